package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.adapter.MeteredTarget;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.APPROVALS;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The loop through Slack on the machine's PostgreSQL: during the grant the login makes a {@code SECURITY DEFINER}
 * function; "I'm done" revokes, and the objects the login left behind are named, with what was done to them, in
 * the revoke's audit entry and in the post-mortem timeline under the card.
 */
class PostgresSlackFlowTest {
    private static final String WHY = "INC-42: orders stuck, need to fix a row by hand";
    private static SharedPostgres pg;

    @BeforeAll
    static void setUp() {
        pg = SharedPostgres.connect();
        pg.sql("CREATE SCHEMA " + pg.prefix + "app", "CREATE ROLE " + pg.prefix + "rw NOLOGIN",
                "GRANT USAGE, CREATE ON SCHEMA " + pg.prefix + "app TO " + pg.prefix + "rw");
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String policy() {
        return "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\n"
                + "targets:\n"
                + "  orders-db:\n    description: Production orders database\n    adapter: postgres\n"
                + "    max-duration: 1h\n    default-duration: 30m\n    approvals: 1\n"
                + "    requesters: [" + ALICE + "]\n    approvers: [U0BOB]\n"
                + "    settings:\n      url: " + pg.url + "\n      admin-user: " + pg.user + "\n"
                + "      default-role: " + pg.prefix + "rw\n      orphan-owner: " + pg.prefix + "orphans\n";
    }

    @Test
    void whatTheLoginLeftBehindIsInTheAuditLogAndThePostMortem() throws Exception {
        String login = null;
        try (RunningBot bot = RunningBot.builder().policy(policy()).start().awaitHealthy(Duration.ofSeconds(20))) {
            Workflow flow = new Workflow(bot);
            // Grant numbers start at 1 in every run; the login's name (bg_<n>_u0alice) must be this run's own.
            try (Connection c = bot.bean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE grants ALTER COLUMN id RESTART WITH " + pg.newGrantId().value());
            }
            GrantId id = flow.request(ALICE, "orders-db 30m " + WHY);
            flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
            flow.awaitState(id, GrantState.ACTIVE);
            login = "bg_" + id.value() + "_" + "u0alice";
            String function = pg.prefix + "app.grant_me_" + id.value();
            try (Connection as = pg.login(login, ""); Statement s = as.createStatement()) {
                s.execute("CREATE FUNCTION " + function + "() RETURNS void LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'");
            }

            Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
            flow.click(ALICE, ready, GrantCard.DONE, id);
            flow.awaitState(id, GrantState.REVOKED);

            String expected = "function " + function + "()";
            String outcome = "owned by " + pg.prefix + "orphans, no longer SECURITY DEFINER, EXECUTE revoked from "
                    + "everyone";
            bot.settle();
            List<AuditEntry> revokes = bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream()
                    .filter(e -> e.type().equals("TargetCall") && "revoke".equals(e.details().get("action")))
                    .toList();
            assertEquals(1, revokes.size(), revokes.toString());
            assertEquals(expected + ": " + outcome, revokes.get(0).details().get(MeteredTarget.LEFT_BEHIND));
            assertEquals(1, ((Number) revokes.get(0).details().get(MeteredTarget.LEFT_BEHIND_COUNT)).intValue());

            String cardTs = flow.card(id).ts();
            String said = "The revoke found 1 object(s) the login left behind and made them harmless: " + expected
                    + ": " + outcome;
            RunningBot.await(Workflow.WAIT, () -> bot.slack().thread(APPROVALS, cardTs).stream()
                            .anyMatch(m -> m.blocks() != null && m.blocks().toString().contains(said)),
                    () -> "the post-mortem never said: " + said + "\n" + bot.slack().thread(APPROVALS, cardTs));
            assertEquals(pg.prefix + "orphans", pg.value("SELECT pg_get_userbyid(proowner) FROM pg_proc "
                    + "WHERE oid = ?::regprocedure", function + "()"));
            assertFalse(pg.roleExists(login));
        } finally {
            pg.sql("DROP SCHEMA IF EXISTS " + pg.prefix + "app CASCADE");
            if (login != null) {
                pg.sql("DROP ROLE IF EXISTS \"" + login + "\"");
            }
        }
    }
}
