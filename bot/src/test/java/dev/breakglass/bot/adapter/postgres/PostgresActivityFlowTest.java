package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's first acceptance line, end to end: a running bot with the {@code postgres} adapter on a real server
 * whose logging collector writes jsonlog. The grant's statements (one in a session that stays open until "I'm done"
 * ends it) appear in the thread under the request card, all of them are in {@code /activity/export}, a
 * {@code PASSWORD '…'} literal is masked in both, and a flagged statement alerts the security channel.
 */
class PostgresActivityFlowTest {
    private static final String WHY = "INC-42: orders stuck, need to fix a row by hand";
    private static final String TOKEN = "audit-token-0123456789abcdef";
    private static final String SECURITY = "C0SECURITY";
    private static ThrowawayCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ThrowawayCluster.logging("jsonlog", "");
        cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)", "INSERT INTO orders VALUES (1, 'widget')",
                "CREATE TABLE scratch (id int)", "CREATE ROLE app_rw NOLOGIN",
                "GRANT SELECT, UPDATE, INSERT ON orders TO app_rw", "GRANT ALL ON scratch TO app_rw");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String policy() {
        return "channels:\n  approvals: C0APPROVALS\n  notify: [C0MGMT]\n  security: " + SECURITY + "\n"
                + "targets:\n"
                + "  orders-db:\n    description: Production orders database\n    adapter: postgres\n"
                + "    max-duration: 1h\n    default-duration: 30m\n    approvals: 1\n"
                + "    requesters: [" + ALICE + "]\n    approvers: [U0BOB]\n"
                + "    settings:\n      url: " + cluster.url() + "\n      admin-user: " + ThrowawayCluster.SUPERUSER
                + "\n      admin-password: " + cluster.superPassword() + "\n      default-role: app_rw\n"
                + "activity:\n  flag: [DROP, TRUNCATE]\n";
    }

    @Test
    void theGrantsStatementsReachTheThreadTheExportAndAFlagAlertsSecurity() throws Exception {
        try (RunningBot bot = RunningBot.builder().policy(policy())
                .property("breakglass.activity.poll-interval", "500ms").property("breakglass.audit.token", TOKEN)
                .start().awaitHealthy(Duration.ofSeconds(30))) {
            Workflow flow = new Workflow(bot);
            GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
            flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
            flow.awaitState(id, GrantState.ACTIVE);
            String login = "bg_" + id.value() + "_u0alice";
            // The credentials are the requester's to reveal; the test sets its own password as the admin instead.
            String password = "pw-" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4});
            cluster.sql("ALTER ROLE " + login + " PASSWORD '" + password + "'");
            String secret = "hunter2-" + id.value();

            try (Connection open = cluster.login(login, password); Statement s = open.createStatement()) {
                s.execute("SELECT item FROM orders WHERE id = 1");
                s.execute("ALTER ROLE " + login + " PASSWORD '" + secret + "'");
                s.execute("TRUNCATE scratch");
                s.execute("SELECT 'still open at revoke'");
                Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
                flow.click(ALICE, ready, GrantCard.DONE, id);
                flow.awaitState(id, GrantState.REVOKED);
                assertThrows(SQLException.class, () -> s.execute("SELECT 'after revoke'"), "revoke ends the session");
            }

            List<String> expected = List.of("SELECT item FROM orders WHERE id = 1",
                    "ALTER ROLE " + login + " PASSWORD '***'", "TRUNCATE scratch", "SELECT 'still open at revoke'");
            RunningBot.await(Workflow.WAIT, () -> expected.stream().allMatch(flow.threadText(id)::contains),
                    () -> "the thread of " + id + " lacks some of " + expected + ":\n" + flow.threadText(id));
            String thread = flow.threadText(id);
            assertFalse(thread.contains(secret), "masked in the thread");
            assertFalse(thread.contains("after revoke"), "nothing ran after revoke");

            HttpResponse<String> export = flow.activityExport(id, TOKEN);
            assertEquals(200, export.statusCode(), export.body());
            for (String statement : expected) {
                assertTrue(export.body().lines().anyMatch(l -> l.contains(jsonString(statement))),
                        () -> statement + " not in the export:\n" + export.body());
            }
            assertFalse(export.body().contains(secret), "masked in the export");

            RunningBot.await(Workflow.WAIT, () -> bot.slack().messages(SECURITY).stream()
                            .anyMatch(m -> m.text() != null && m.text().contains("Flagged activity under " + id)),
                    () -> "no flag alert in the security channel: " + bot.slack().messages(SECURITY));
            String alerts = bot.slack().messages(SECURITY).toString();
            assertTrue(alerts.contains("TRUNCATE scratch"), alerts);
            assertFalse(alerts.contains(secret), alerts);
        }
    }

    /** {@code text} as it appears inside a JSON string (quotes escaped). */
    private static String jsonString(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
