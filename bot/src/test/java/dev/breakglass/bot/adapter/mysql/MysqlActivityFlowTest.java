package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's MariaDB acceptance line, end to end: a running bot with the {@code mysql} adapter on the machine's
 * MariaDB, capturing with what needs no server setting changed (process-list samples). The statements the bot saw
 * appear in the grant's thread marked sampled, are in {@code /activity/export} as sampled, a password literal is
 * masked in both, and a flagged statement alerts the security channel. (The complete captures, the audit plugin and
 * the general log, are shown against the same server by {@link MysqlActivityTest}.)
 */
class MysqlActivityFlowTest {
    private static final String WHY = "INC-42: orders stuck, need to look at the queue";
    private static final String TOKEN = "audit-token-0123456789abcdef";
    private static MariaDb db;

    @BeforeAll
    static void setUp() {
        db = MariaDb.scratch();
    }

    @AfterAll
    static void tearDown() {
        if (db != null) {
            db.close();
        }
    }

    private static String policy() {
        return "channels:\n  approvals: C0APPROVALS\n  notify: [C0MGMT]\n  security: C0SECURITY\n"
                + "targets:\n"
                + "  shop-db:\n    description: Shop database\n    adapter: mysql\n"
                + "    max-duration: 1h\n    default-duration: 30m\n    approvals: 1\n"
                + "    requesters: [" + ALICE + "]\n    approvers: [U0BOB]\n"
                + "    settings:\n      url: " + db.url() + "\n      admin-user: " + MariaDb.USER + "\n"
                + "      admin-password: \"" + MariaDb.PASSWORD + "\"\n      activity: sampled\n"
                + "      default-grants: [\"SELECT ON " + db.database + ".t\"]\n"
                + "activity:\n  flag: [DROP, TRUNCATE]\n";
    }

    @Test
    void theStatementsTheBotSawReachTheThreadAndTheExportMarkedSampled() throws Exception {
        try (RunningBot bot = RunningBot.builder().policy(policy())
                .property("breakglass.activity.poll-interval", "300ms").property("breakglass.audit.token", TOKEN)
                .start().awaitHealthy(Duration.ofSeconds(30))) {
            Workflow flow = new Workflow(bot);
            // Grant numbers start at 1 in every run; the account (bg_<n>_u0alice) must be this run's own.
            try (Connection c = bot.bean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE grants ALTER COLUMN id RESTART WITH " + (db.idBase + 1));
            }
            GrantId id = flow.request(ALICE, "shop-db 30m " + WHY);
            flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
            flow.awaitState(id, GrantState.ACTIVE);
            String account = "bg_" + id.value() + "_u0alice";
            String password = "Pw-" + id.value() + "-test";
            for (String host : db.hosts(account)) { // the credentials are the requester's to reveal
                db.execute("SET PASSWORD FOR '" + account + "'@'" + host + "' = PASSWORD('" + password + "')");
            }
            String secret = "hunter2-" + id.value();
            String slow = "SELECT SLEEP(2), 'slow one', PASSWORD('" + secret + "')";
            String flagged = "SELECT SLEEP(2), 'DROP everything'";
            try (Connection c = db.login(account, password); Statement s = c.createStatement()) {
                s.executeQuery(slow).close();
                s.executeQuery(flagged).close();
            }

            RunningBot.await(Workflow.WAIT, () -> flow.threadText(id).contains("'DROP everything'"),
                    () -> "the thread of " + id + ":\n" + flow.threadText(id));
            String thread = flow.threadText(id);
            assertTrue(thread.contains("'slow one'"), thread);
            assertTrue(thread.contains("sampled"), "sampled says so: " + thread);
            assertFalse(thread.contains(secret), "masked in the thread: " + thread);

            HttpResponse<String> export = flow.activityExport(id, TOKEN);
            assertEquals(200, export.statusCode(), export.body());
            assertTrue(export.body().contains("'slow one'") && export.body().contains("'DROP everything'"),
                    export.body());
            assertTrue(export.body().lines().allMatch(l -> l.contains("\"sampled\"")), export.body());
            assertFalse(export.body().contains(secret), "masked in the export");

            RunningBot.await(Workflow.WAIT, () -> bot.slack().messages("C0SECURITY").stream()
                            .anyMatch(m -> m.text() != null && m.text().contains("Flagged activity under " + id)),
                    () -> "no flag alert in the security channel: " + bot.slack().messages("C0SECURITY"));

            flow.click(ALICE, flow.awaitDirectMessage(ALICE, id, "is ready"), GrantCard.DONE, id);
            flow.awaitState(id, GrantState.REVOKED);
        }
    }
}
