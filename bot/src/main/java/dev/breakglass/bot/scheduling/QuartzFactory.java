package dev.breakglass.bot.scheduling;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * The Quartz scheduler (the sweeper and the activity poll; grant timers are {@link TimerPoller}'s), on the JDBC job
 * store over the application's own connection pool. Its tables come
 * from Flyway (V2), so Quartz never creates or drops anything itself.
 *
 * <p>The instance id is {@code BREAKGLASS_INSTANCE_ID} when set (give each replica a stable one), else generated.
 * Quartz's PostgreSQL delegate serves H2 too (H2 runs in PostgreSQL mode with the same DDL). The scheduler
 * is created in standby; {@link SchedulerLifecycle} starts it once the application is up and shuts it down
 * waiting for running jobs.
 */
@Factory
public class QuartzFactory {
    private static final String DATA_SOURCE = "breakglass";
    /** Shared by every replica: Quartz's rows are keyed by it. */
    static final String SCHEDULER_NAME = "breakglass";
    /** How late a timer may be and still be taken in its turn rather than as a misfire. */
    static final java.time.Duration MISFIRE_THRESHOLD = java.time.Duration.ofMinutes(1);

    @Singleton
    Scheduler scheduler(DataSource dataSource, BeanContext beans,
                        @Value("${breakglass.scheduler.threads:4}") int threads,
                        @Value("${breakglass.scheduler.batch:1}") int batch,
                        @Value("${breakglass.instance-id:}") String instanceId) throws SchedulerException {
        // Each scheduler instance gets its own provider name: tests run several application contexts in one JVM.
        String name = DATA_SOURCE + "-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new PoolProvider(dataSource));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId.isBlank() ? "AUTO" : instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // Job data as strings only: nothing Java-serialized in the database.
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        // A job up to a minute late is taken in its turn like any due one. Quartz hands a trigger later than this to
        // its misfire handler instead, 20 at a time and outside the normal acquisition: when grant timers were Quartz
        // jobs, hundreds due at once (LoadAndChaosIT) with a 5 s threshold made the backlog feed itself, and the
        // sweeper skipped its runs. A misfired sweep or activity poll runs at the next interval.
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(MISFIRE_THRESHOLD.toMillis()));
        // Always clustered, with row locks in the database: two bot processes on one database then share the
        // timers and each fires exactly once. Costs one check-in row update every few seconds.
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        // Another replica's newly scheduled timers are seen within this time (this one's at once).
        p.setProperty("org.quartz.scheduler.idleWaitTime", "2000");
        // Due timers taken per trip to the database (at most one per free worker thread). More than one needs the
        // acquisition inside the cluster lock, or two replicas could take the same trigger.
        if (batch > 1) {
            p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(batch));
            p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        }
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        Scheduler scheduler = factory.getScheduler();
        // Quartz keeps schedulers in a JVM-wide registry by name; every replica must share the name (it keys the
        // rows), so forget this one there and the next application context in this JVM gets its own.
        SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
        // Jobs are beans, so they get the use cases injected.
        scheduler.setJobFactory((bundle, s) -> beans.getBean(bundle.getJobDetail().getJobClass()));
        return scheduler;
    }

    /** Hands Quartz connections from the application's pool (STACK.md: never a contextual DataSource). */
    private record PoolProvider(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // The pool belongs to the application; Micronaut closes it.
        }

        @Override
        public void initialize() {
        }
    }
}
