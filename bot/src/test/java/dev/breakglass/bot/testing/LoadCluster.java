package dev.breakglass.bot.testing;

import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.state.SandboxDirectory;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The packaged bot under load, as the benchmark and {@code LoadAndChaosIT} run it: the emulator as Slack, a
 * {@link LoadTarget} behind the {@code webhook} adapter, a database (a fresh PostgreSQL schema, or each process's
 * own H2), and {@code processes} bot processes on it, all healthy; replicas share the encryption and audit keys
 * ({@link ClusterEnv}). Slack's answers to the bot are tallied as they come and then forgotten (a long run would keep
 * every call otherwise): {@link #refusedSlackCalls()} is every Web API call Slack refused or rate limited.
 *
 * <p>Processes can be killed ({@link #kill9}) and started again ({@link #restart}); {@link #delivery(int)} plays a
 * load balancer that sends the {@code i}-th request to process {@code i mod n}, or to the next live one while that
 * one is down.
 */
public final class LoadCluster implements AutoCloseable {
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
    /** The Slack calls kept to show when some were refused. */
    private static final int REFUSALS_KEPT = 20;

    public final SlackEmulator slack;
    public final LoadTarget target = new LoadTarget();
    public final TestDatabase db;
    private final List<BotProcess> bots = new ArrayList<>();
    /** Each process's working folder: with H2, its database is {@code data/breakglass} in it. */
    private final List<Path> homes = new ArrayList<>();
    private final List<SlackDelivery> deliveries = new ArrayList<>();
    private final boolean[] down;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger slackCalls = new AtomicInteger();
    private final Map<String, Integer> byMethod = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<RecordedCall> refusals = new CopyOnWriteArrayList<>();
    private final Thread tally;

    private LoadCluster(Builder b) throws IOException {
        slack = SlackEmulator.builder().botToken(RunningBot.BOT_TOKEN).clock(Clock.systemUTC())
                .team(SandboxDirectory.TEAM).directory(b.directory).start();
        db = b.postgres ? TestDatabase.postgres() : null;
        try {
            Path policy = b.dir.resolve("breakglass.yml");
            Files.writeString(policy, b.policy.apply(target));
            for (int i = 0; i < b.processes; i++) {
                String instance = b.name + "-" + (char) ('a' + i);
                Map<String, String> env = new HashMap<>(ClusterEnv.of(db, slack, policy, b.dir, instance));
                env.putAll(b.env);
                Path home = Files.createDirectories(b.dir.resolve(instance));
                homes.add(home);
                bots.add(new BotProcess(env, b.dir.resolve(instance + ".log")).in(home)
                        .jvmOptions(b.jvmOptions.apply(home)).start());
            }
            for (BotProcess bot : bots) {
                bot.awaitHealthy(HEALTHY_WITHIN);
                deliveries.add(slack.httpDelivery(bot.url("/slack/events"), RunningBot.SIGNING_SECRET)
                        .withTimeout(Duration.ofSeconds(30)));
            }
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly();
            throw e;
        }
        down = new boolean[bots.size()];
        tally = Thread.ofPlatform().daemon().name("slack-tally").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                drain();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** A cluster whose files (policy, logs, data folders) go to {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** How to start a cluster. */
    public static final class Builder {
        private final Path dir;
        private String name = "bot";
        private boolean postgres = true;
        private int processes = 1;
        private Directory directory = SandboxDirectory.directory();
        private Function<LoadTarget, String> policy = t -> Workflow.policy(t.url(), "load-webhook-secret");
        private final Map<String, String> env = new HashMap<>();
        private Function<Path, List<String>> jvmOptions = home -> List.of("-Xmx384m");

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The processes' instance ids and log names start with this (default "bot": bot-a, bot-b…). */
        public Builder name(String n) {
            name = n;
            return this;
        }

        /** PostgreSQL (default), or {@code false}: each process on its own embedded H2 (one process only). */
        public Builder postgres(boolean p) {
            postgres = p;
            return this;
        }

        public Builder processes(int n) {
            processes = n;
            return this;
        }

        /** The workspace's people, groups and channels (default: the sandbox's demo workspace). */
        public Builder directory(Directory d) {
            directory = d;
            return this;
        }

        /** The policy file's text, given the target (default: {@link Workflow#policy} for it). */
        public Builder policy(Function<LoadTarget, String> p) {
            policy = p;
            return this;
        }

        /** Settings for every process beyond {@link ClusterEnv}'s. */
        public Builder env(Map<String, String> e) {
            env.putAll(e);
            return this;
        }

        /** JVM options of a process, given its folder (default {@code -Xmx384m}). */
        public Builder jvmOptions(Function<Path, List<String>> options) {
            jvmOptions = options;
            return this;
        }

        /** Starts the emulator, the target, the database and the processes, and waits until every one is healthy. */
        public LoadCluster start() throws IOException {
            return new LoadCluster(this);
        }
    }

    /**
     * Settings given on the command line as {@code NAME=value,NAME=value} ({@code bench.env}, {@code chaos.env}), to
     * try a change against the defaults; pairs without a name are ignored.
     */
    public static Map<String, String> settings(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /**
     * A process's JVM options: {@code base}, then the space-separated {@code extra} ({@code bench.jvm},
     * {@code chaos.jvm}) with {@code {dir}} standing for the process's folder, e.g.
     * {@code -XX:StartFlightRecording=filename={dir}/bot.jfr} to see where its time goes.
     */
    public static List<String> jvmOptions(List<String> base, String extra, Path home) {
        List<String> out = new ArrayList<>(base);
        for (String option : extra.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                out.add(option.replace("{dir}", home.toAbsolutePath().toString()));
            }
        }
        return out;
    }

    /** The processes, in start order. */
    public List<BotProcess> bots() {
        return List.copyOf(bots);
    }

    /** Signed HTTP to process {@code i}, as Slack sends it. */
    public SlackDelivery deliveryTo(int i) {
        return deliveries.get(i);
    }

    /** Signed HTTP for the {@code n}-th request: to process {@code n mod size}, or the next live one. */
    public SlackDelivery delivery(int n) {
        synchronized (down) {
            for (int k = 0; k < bots.size(); k++) {
                int i = Math.floorMod(n + k, bots.size());
                if (!down[i]) {
                    return deliveries.get(i);
                }
            }
        }
        throw new IllegalStateException("every process is down");
    }

    /** SIGKILLs process {@code i}; the load balancer sends nothing more to it. */
    public void kill9(int i) throws InterruptedException {
        synchronized (down) {
            down[i] = true;
        }
        bots.get(i).kill9();
    }

    /** Starts process {@code i} again (same instance id, folder and port) and, once healthy, sends it requests again. */
    public void restart(int i) {
        bots.get(i).start().awaitHealthy(HEALTHY_WITHIN);
        synchronized (down) {
            down[i] = false;
        }
    }

    private void drain() {
        slack.drainCalls().forEach(c -> {
            slackCalls.incrementAndGet();
            byMethod.merge(c.method(), 1, Integer::sum);
            if (c.status() == 429 || !c.ok()) {
                refused.incrementAndGet();
                if (refusals.size() < REFUSALS_KEPT) {
                    refusals.add(c);
                }
            }
        });
    }

    /** Web API calls the bot made so far. */
    public int slackCalls() {
        drain();
        return slackCalls.get();
    }

    /** Web API calls the bot made so far, by method, most made first. */
    public String slackCallsByMethod() {
        drain();
        return byMethod.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).toList().toString();
    }

    /** Web API calls Slack refused ({@code ok: false}) or rate limited (429) so far. */
    public int refusedSlackCalls() {
        drain();
        return refused.get();
    }

    /** The first refused calls: method, status and error of each. */
    public List<String> refusals() {
        drain();
        return refusals.stream().map(c -> c.method() + " " + c.status() + " " + c.error()).toList();
    }

    /** Waits until {@code count} removals were verified; "" when they were, else how many were not, as a note. */
    public String awaitRemoved(int count, Duration within) {
        try {
            RunningBot.await(within, () -> target.removed() >= count, () -> "");
            return "";
        } catch (AssertionError e) {
            return ", " + (count - target.removed()) + " of " + count + " not removed within " + within.toSeconds()
                    + " s (left out)";
        }
    }

    /** What went wrong besides speed: double provisioning or revoking, Slack calls refused; "" when nothing. */
    public String problems(List<String> ids) {
        long twice = ids.stream().map(target::seen).filter(s -> s.isPresent()
                && (s.get().grants.get() > 1 || s.get().revokes.get() > 1)).count();
        StringBuilder out = new StringBuilder();
        if (twice > 0) {
            out.append(", ").append(twice).append(" grants provisioned or revoked more than once");
        }
        if (refusedSlackCalls() > 0) {
            out.append(", ").append(refused.get()).append(" of ").append(slackCalls.get())
                    .append(" Slack calls refused");
        }
        return out.toString();
    }

    /** Stops every process (SIGTERM), as {@link #close} does, leaving Slack, the target and the database up. */
    public void stopBots() throws InterruptedException {
        for (BotProcess bot : bots) {
            bot.close();
        }
    }

    /**
     * Each grant's end as the bot stored it ({@code grants.expires_at}), by id ("BG-7"): the measure of revocation
     * lag. The webhook adapter tells the target whole seconds only ({@code expires_at} cut down), so a lag measured
     * against what the target was told would count up to a second that is not the bot's. Read from the shared
     * PostgreSQL schema, or with H2 from the first process's own database, which H2 lets only one process open: call
     * {@link #stopBots} first.
     */
    public Map<String, java.time.Instant> storedEnds() {
        String sql = "SELECT id, expires_at FROM grants WHERE expires_at IS NOT NULL";
        Map<String, java.time.Instant> ends = new HashMap<>();
        try (java.sql.Connection c = db != null ? db.dataSource().getConnection()
                : java.sql.DriverManager.getConnection("jdbc:h2:file:" + homes.get(0).resolve("data")
                .resolve("breakglass").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ends.put(new dev.breakglass.grant.GrantId(rs.getLong(1)).toString(),
                        rs.getObject(2, java.time.OffsetDateTime.class).toInstant());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not read the grants' ends: " + e.getMessage(), e);
        }
        return ends;
    }

    @Override
    public void close() {
        if (tally != null) {
            tally.interrupt();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        for (BotProcess bot : bots) {
            try {
                bot.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        target.close();
        slack.close();
        if (db != null) {
            db.close();
        }
    }
}
