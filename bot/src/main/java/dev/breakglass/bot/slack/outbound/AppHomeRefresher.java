package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.view.View;
import dev.breakglass.bot.events.EventConsumer;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.bot.slack.render.HomeView;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.bot.activity.JdbcActivityLog;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.QueryService;
import dev.breakglass.grant.GrantState;
import dev.breakglass.policy.Permissions;
import dev.breakglass.port.GrantStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Keeps App Home tabs current: publishes a user's Home when they open it, and after every grant event (from the
 * outbox) republishes the Home of the grant's requester and of its target's approvers and reviewers — among the users who opened
 * their Home since this process started.
 *
 * <p>Edge cases: who opened Home is kept in memory only, per replica; after a restart (or on another replica) a
 * user's Home is refreshed again from the moment they next open it, and until then shows what it showed.
 * Publishing runs on its own single thread, never the caller's; a user already waiting in the queue is not
 * queued twice, and each publish reads the grants as stored when it runs, so a burst of events costs one
 * {@code views.publish}. A 429 waits as long as Slack says, a network error backs off (as {@link SlackRetry});
 * other failures are logged. "Time left" is as of the last publish; the absolute end time is shown beside it.
 */
@Singleton
public class AppHomeRefresher implements EventConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(AppHomeRefresher.class);
    private static final Set<GrantState> SHOWN = EnumSet.of(GrantState.PENDING, GrantState.APPROVED, GrantState.PROVISIONING,
            GrantState.ACTIVE, GrantState.REVOKE_FAILED, GrantState.EXPIRED, GrantState.REVOKED);

    private final MethodsClient slack;
    private final GrantStore store;
    private final Permissions permissions;
    private final HomeView render;
    private final Clock clock;
    private final Set<String> opened = ConcurrentHashMap.newKeySet();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "slack-home");
        t.setDaemon(true);
        return t;
    });

    private final JdbcActivityLog activity;

    public AppHomeRefresher(MethodsClient slack, GrantStore store, Permissions permissions, HomeView render,
                            Clock clock, JdbcActivityLog activity) {
        this.activity = activity;
        this.slack = slack;
        this.store = store;
        this.permissions = permissions;
        this.render = render;
        this.clock = clock;
    }

    /** {@code user} opened their Home tab: remember them and publish it. */
    public void opened(String user) {
        opened.add(user);
        refresh(user);
    }

    @Override
    public String name() {
        return EventRoutes.HOME;
    }

    /**
     * Queues the Homes the event may have changed. A refresh reads the grants as stored when it runs, so delivering an
     * event twice (after a crash) costs a publish, never a wrong Home.
     */
    @Override
    public void deliver(Delivery delivery, java.sql.Connection connection) {
        GrantEvent event = delivery.event();
        if (!changesHomes(event)) {
            return;
        }
        Grant g = event.grant();
        for (String user : opened) {
            if (user.equals(g.requester()) || permissions.approves(g, user) || permissions.signsOff(g, user)) {
                refresh(user);
            }
        }
    }

    /** Whether a Home may show {@code event}'s change. Exhaustive, so a new kind must say before it compiles. */
    static boolean changesHomes(GrantEvent event) {
        return switch (event) {
            case GrantEvent.Requested e -> true;
            case GrantEvent.ApprovalRecorded e -> true;
            case GrantEvent.Approved e -> true;
            case GrantEvent.Denied e -> true;
            case GrantEvent.Cancelled e -> true;
            case GrantEvent.TimedOut e -> true;
            case GrantEvent.EmergencyOffered e -> true;
            case GrantEvent.GlassBroken e -> true;
            case GrantEvent.Activated e -> true;
            case GrantEvent.ProvisioningFailed e -> true;
            // a reveal changes nothing a Home shows
            case GrantEvent.CredentialsRevealed e -> false;
            case GrantEvent.RolledBack e -> true;
            case GrantEvent.ExpiryWarned e -> true;
            case GrantEvent.ExtensionRequested e -> true;
            case GrantEvent.ExtensionApprovalRecorded e -> true;
            case GrantEvent.Extended e -> true;
            case GrantEvent.ExtensionFailed e -> true;
            case GrantEvent.ExtensionDenied e -> true;
            case GrantEvent.Expired e -> true;
            case GrantEvent.Revoked e -> true;
            case GrantEvent.RevocationFailed e -> true;
            case GrantEvent.RevocationRecovered e -> true;
            case GrantEvent.RevocationResolved e -> true;
            case GrantEvent.PostMortemOpened e -> true;
            case GrantEvent.ReviewReminded e -> true;
            case GrantEvent.ReviewWritten e -> true;
            case GrantEvent.Reviewed e -> true;
        };
    }

    private void refresh(String user) {
        if (!queued.add(user)) {
            return; // already waiting; it will read the newest state when it runs
        }
        queue.execute(() -> {
            queued.remove(user);
            try {
                publish(user);
            } catch (Exception e) {
                LOG.error("Could not publish the Home of {}: {}", user, e.toString());
            }
        });
    }

    private void publish(String user) throws IOException, SlackApiException {
        View view = render.view(user, sectionsOf(user), clock.instant());
        var r = patiently(() -> slack.viewsPublish(b -> b.userId(user).view(view)));
        if (!r.isOk()) {
            LOG.error("Publishing the Home of {} failed: {}", user, r.getError());
        }
    }

    /**
     * What {@code user}'s Home shows now: requests and approvals oldest first; reviews they owe (their own
     * ended access without a written review, and written reviews waiting for their sign-off) emergencies
     * first, then newest first.
     */
    HomeView.Sections sectionsOf(String user) {
        List<Grant> all = store.findNewestByState(SHOWN, QueryService.READ_LIMIT);
        List<Grant> requests = all.stream().filter(g -> g.requester().equals(user)
                && (g.state() == GrantState.PENDING || g.state() == GrantState.APPROVED
                || g.state() == GrantState.PROVISIONING)).toList();
        List<Grant> active = all.stream().filter(g -> g.requester().equals(user)
                && (g.state() == GrantState.ACTIVE || g.state() == GrantState.REVOKE_FAILED)).toList();
        List<Grant> approvals = all.stream().filter(g -> g.state() == GrantState.PENDING
                && !g.requester().equals(user) && !g.approvedBy().contains(user) && permissions.approves(g, user)).toList();
        List<Grant> owed = all.stream().filter(g -> g.awaitsReview() && (g.requester().equals(user)
                        ? g.postMortem().review().isEmpty()
                        : g.postMortem().review().isPresent() && permissions.signsOff(g, user)))
                .sorted(Comparator.comparing(Grant::emergency).reversed()
                        .thenComparing(Comparator.comparing(Grant::updatedAt).reversed())).toList();
        List<GrantId> shown = java.util.stream.Stream.of(active, owed).flatMap(List::stream).map(Grant::id).toList();
        return new HomeView.Sections(requests, active, approvals, owed, activity.counts(shown));
    }

    @PreDestroy
    void drain() throws InterruptedException {
        queue.shutdown();
        queue.awaitTermination(10, TimeUnit.SECONDS);
    }
}
