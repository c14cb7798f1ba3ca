package dev.breakglass.bot;

import dev.breakglass.bot.persistence.MigrationStatus;
import dev.breakglass.bot.scheduling.SchedulerLifecycle;
import dev.breakglass.bot.slack.SlackLifecycle;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /health}: 200 only when the bot can serve — the database answers and is migrated, the scheduler
 * runs and Slack accepted the token (and, in Socket Mode, the socket is open); 503 otherwise, naming what is
 * not ready. No secrets and no details beyond up/down.
 */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
    private final DataSource dataSource;
    private final SchedulerLifecycle scheduler;
    private final SlackLifecycle slack;
    private final MigrationStatus migrations;

    public HealthController(DataSource dataSource, MigrationStatus migrations, SchedulerLifecycle scheduler,
                            SlackLifecycle slack) {
        this.dataSource = dataSource;
        this.migrations = migrations;
        this.scheduler = scheduler;
        this.slack = slack;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> health() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("database", databaseMigrated());
        checks.put("scheduler", scheduler.running());
        checks.put("slack", slack.ready());
        boolean up = !checks.containsValue(false);
        String body = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"checks\":{"
                + checks.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + (e.getValue() ? "UP" : "DOWN") + "\"")
                .collect(Collectors.joining(",")) + "}}";
        return HttpResponse.<String>status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    /** Flyway has migrated the schema and the database answers now. */
    private boolean databaseMigrated() {
        if (!migrations.migrated()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
