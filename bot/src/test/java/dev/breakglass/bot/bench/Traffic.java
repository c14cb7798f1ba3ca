package dev.breakglass.bot.bench;

import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.ApprovalCards;
import dev.breakglass.bot.testing.LoadCluster;
import dev.breakglass.bot.testing.Workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * People at work, as many at once as there are senders: Alice requests {@code orders-db} with {@code /breakglass
 * request}, Carol approves on the card. With two or more bot processes the request goes to one and the click to
 * the next, as Slack would spread them behind a load balancer.
 *
 * <p>The cards are followed with one reader of the approvals channel ({@link ApprovalCards}).
 */
final class Traffic {
    private static final String WHY = "benchmark: orders database load test";
    private static final Duration CARD_WITHIN = Duration.ofSeconds(60);

    private final LoadCluster cluster;
    private final int senders;
    private final ApprovalCards cards;

    Traffic(LoadCluster cluster, int senders) {
        this.cluster = cluster;
        this.senders = senders;
        this.cards = new ApprovalCards(cluster.slack);
    }

    /**
     * Requests and approves {@code n} grants, the {@code i}-th for {@code duration.apply(i)} ("90s"); returns their
     * ids ("BG-7") in that order. Does not wait for provisioning: the target sees it.
     *
     * @throws IllegalStateException when a request is refused or a card never comes (the run is then meaningless)
     */
    List<String> createGrants(int n, IntFunction<String> duration) throws InterruptedException {
        String[] ids = new String[n];
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            threads.add(Thread.ofPlatform().name("person-" + t).start(() -> {
                for (int i = next.getAndIncrement(); i < n && failures.isEmpty(); i = next.getAndIncrement()) {
                    try {
                        SlackDelivery asked = cluster.delivery(i);
                        DeliveryResult r = asked.slashCommand(Workflow.ALICE, "C0GENERAL",
                                "request orders-db " + duration.apply(i) + " " + WHY);
                        String id = Workflow.idIn(r.json().path("text").asText()).toString();
                        ids[i] = id;
                        Message card = cards.await(id, CARD_WITHIN);
                        SlackDelivery clicked = cluster.delivery(i + 1);
                        DeliveryResult click = clicked.blockAction(Workflow.CAROL, card.channel(), card.ts(),
                                GrantCard.APPROVE, id);
                        if (click.status() != 200) {
                            throw new IllegalStateException("approving " + id + " answered " + click.status());
                        }
                    } catch (RuntimeException | AssertionError e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        cards.close();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " people could not finish, first: " + failures.get(0),
                    failures.get(0));
        }
        return List.of(ids);
    }
}
