package dev.breakglass.bot;

import dev.breakglass.bot.testing.LogLines;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials never land in chat history, logs or the audit trail: a whole grant's life — requested, approved,
 * provisioned with credentials, revealed, failing a revoke, revoked — with everything observable captured
 * (every Web API call, message, response-URL post, log line at every level, audit entry) and searched for the
 * issued secret. The one allowed place is the requester's Reveal modal.
 */
class CredentialLeakTest {
    @Test
    void theIssuedPasswordAppearsNowhereButTheRevealModal() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        // Everything at INFO as in production (logback.xml keeps Slack's SDK there: at DEBUG it logs request
        // bodies), and all of our own code at DEBUG, the most it ever says.
        Logger ours = (Logger) LoggerFactory.getLogger("dev.breakglass");
        ch.qos.logback.classic.Level before = root.getLevel();
        ch.qos.logback.classic.Level oursBefore = ours.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (WebhookReceiver receiver = new WebhookReceiver();
             RunningBot bot = RunningBot.builder().policy(Workflow.policy(receiver))
                     .property("breakglass.revocation.first-retry", "1s").start()
                     .awaitHealthy(Duration.ofSeconds(20))) {
            Workflow flow = new Workflow(bot);
            String secret = receiver.password();
            GrantId id = flow.request(Workflow.ALICE, "orders-db:admin 30m orders DB is down, need to restart it");
            flow.click(Workflow.BOB, flow.card(id), GrantCard.APPROVE, id);
            flow.awaitState(id, GrantState.ACTIVE);
            Message ready = flow.awaitDirectMessage(Workflow.ALICE, id, "is ready");
            flow.press(Workflow.ALICE, ready, GrantCard.REVEAL, id);
            RunningBot.await(Workflow.WAIT, () -> bot.slack().openModal(Workflow.ALICE)
                    .map(v -> v.view().toString().contains(secret)).orElse(false), () -> "credentials not revealed");
            receiver.failNextRevokes(2);
            flow.click(Workflow.ALICE, ready, GrantCard.DONE, id);
            flow.awaitState(id, GrantState.REVOKED);
            String after = flow.click(Workflow.ALICE, ready, GrantCard.REVEAL, id);
            assertTrue(after.contains(id + " has ended (revoked); its credentials are gone."), after);

            List<String> places = new ArrayList<>();
            for (RecordedCall call : bot.slack().calls()) {
                boolean revealWindow = call.method().equals("views.open")
                        && call.params().path("view").path("callback_id").asText().equals("bg_credentials");
                if (!revealWindow && call.params().toString().contains(secret)) {
                    places.add("Web API " + call.method());
                }
            }
            bot.slack().allMessages().values().forEach(ms -> ms.forEach(m -> {
                if (String.valueOf(m.blocks()).contains(secret) || String.valueOf(m.text()).contains(secret)) {
                    places.add("message in " + m.channel());
                }
            }));
            bot.slack().responseUrlPosts().stream().filter(p -> p.body().toString().contains(secret))
                    .forEach(p -> places.add("response_url post"));
            for (ILoggingEvent e : LogLines.snapshot(logs)) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : ThrowableProxyUtil.asString(e.getThrowableProxy()));
                if (line.contains(secret)) {
                    places.add("log line of " + e.getLoggerName() + ": " + line);
                }
            }
            bot.bean(JdbcAuditLog.class).each(a -> {
                if (a.details().toString().contains(secret)) {
                    places.add("audit entry " + a.seq() + " " + a.type());
                }
            });
            assertEquals(List.of(), places, "the credentials leaked");
            assertTrue(logs.list.size() > 20, "the capture saw the bot's logging (" + logs.list.size() + " lines)");
            bot.settle();
            assertTrue(bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream()
                    .anyMatch(a -> a.details().containsKey("credentials_fingerprint")), "the audit keeps a fingerprint");
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
            ours.setLevel(oursBefore);
        }
    }
}
