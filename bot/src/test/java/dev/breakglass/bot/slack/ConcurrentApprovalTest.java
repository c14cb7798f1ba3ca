package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SandboxDirectory;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.OffsetClock;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten approvers each clicking Approve five times at once, their clicks spread over two bot processes (two
 * application contexts) sharing one PostgreSQL: exactly one approval outcome and exactly one provisioning call.
 */
class ConcurrentApprovalTest {
    private static final int APPROVERS = 10;
    private static final int CLICKS_EACH = 5;

    @Test
    void fiftyConcurrentApprovalsOnTwoProcessesProvisionOnce() throws Exception {
        List<String> approvers = new ArrayList<>();
        List<Directory.User> users = new ArrayList<>(SandboxDirectory.directory().users());
        for (int i = 0; i < APPROVERS; i++) {
            String id = "U0APPROVER" + i;
            approvers.add(id);
            users.add(new Directory.User(id, "approver" + i, "Approver " + i, "approver" + i + "@example.test",
                    "SRE", "UTC", false));
        }
        Directory directory = new Directory(users, SandboxDirectory.directory().groups(),
                SandboxDirectory.directory().channels());
        OffsetClock clock = OffsetClock.create("concurrent-approvals");
        try (TestDatabase db = TestDatabase.postgres();
             WebhookReceiver receiver = new WebhookReceiver();
             SlackEmulator slack = SlackEmulator.builder().botToken(RunningBot.BOT_TOKEN).clock(clock)
                     .team(SandboxDirectory.TEAM).directory(directory).start()) {
            String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\ntargets:\n"
                    + "  orders-db:\n    adapter: webhook\n    max-duration: 1h\n    requesters: [U0ALICE]\n"
                    + "    approvers: [" + String.join(", ", approvers) + "]\n"
                    + "    settings:\n      url: " + receiver.url() + "\n      secret: " + WebhookReceiver.SECRET + "\n";
            try (RunningBot one = RunningBot.builder().policy(policy).clock(clock).database(db).slack(slack).start();
                 RunningBot two = RunningBot.builder().policy(policy).clock(clock).database(db).slack(slack).start()) {
                one.awaitHealthy(Duration.ofSeconds(30));
                two.awaitHealthy(Duration.ofSeconds(30));
                Workflow viaOne = new Workflow(one);
                Workflow viaTwo = new Workflow(two);
                GrantId id = viaOne.request(Workflow.ALICE, "orders-db 30m the orders database is down for everyone");
                Message card = viaOne.card(id);

                // Every click is prepared while the buttons are on screen, then all are delivered at once.
                List<Runnable> clicks = new ArrayList<>();
                for (String approver : approvers) {
                    for (int c = 0; c < CLICKS_EACH; c++) {
                        Workflow via = (clicks.size() % 2 == 0) ? viaOne : viaTwo;
                        clicks.add(via.staleClick(approver, card, GrantCard.APPROVE, id));
                    }
                }
                Collections.shuffle(clicks);
                ExecutorService pool = Executors.newFixedThreadPool(16);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (Runnable click : clicks) {
                    done.add(pool.submit(() -> {
                        go.await();
                        click.run();
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();

                Grant active = viaTwo.awaitState(id, GrantState.ACTIVE);
                assertEquals(1, active.approvedBy().size(), "one approval outcome: " + active.approvedBy());
                assertTrue(approvers.contains(active.approvedBy().get(0)));
                Thread.sleep(1500); // a second provisioning, if any, would arrive by now
                assertEquals(1, receiver.calls("grant").size(), "exactly one provisioning call");
                long approvedAnswers = slack.responseUrlPosts().stream()
                        .filter(p -> p.body().path("text").asText().startsWith("You approved " + id)).count();
                assertEquals(1, approvedAnswers, "exactly one clicker is told they approved it");
            }
        }
    }
}
