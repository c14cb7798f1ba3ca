package dev.breakglass.bot.scheduling;

import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.ReviewService;
import dev.breakglass.port.GrantScheduler.Due;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grant timer that came due: runs the idempotent use case for its kind. The database decides whether anything is
 * still to do; every use case claims the grant first (compare-and-set), so a timer run twice, late, or beside its
 * own replacement changes nothing the second time. The one place a timer's kind becomes a use case: the
 * {@link TimerPoller} calls it for every claimed timer, and tests call it to fire a stored timer on the spot.
 */
@Singleton
public class GrantDueHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GrantDueHandler.class);
    private final RequestService requests;
    private final AccessService access;
    private final ExtensionService extensions;
    private final ReviewService reviews;

    public GrantDueHandler(RequestService requests, AccessService access, ExtensionService extensions,
                           ReviewService reviews) {
        this.requests = requests;
        this.access = access;
        this.extensions = extensions;
        this.reviews = reviews;
    }

    /** Runs {@code due} for {@code id} here, on the caller's thread. A failure is logged; the sweeper catches up. */
    public void handle(GrantId id, Due due) {
        try {
            Outcome outcome = switch (due) {
                case PROVISION -> access.provision(id);
                case PENDING_TIMEOUT -> requests.timeOut(id);
                case EMERGENCY_OFFER -> requests.offerEmergency(id);
                case WARN -> access.warn(id);
                case EXPIRE -> access.expire(id);
                case EXTEND -> extensions.extendAtTarget(id);
                case REVOKE_RETRY -> access.retryRevocation(id);
                case REVIEW -> reviews.followUp(id);
            };
            LOG.info("{} {}: {}", due, id, outcome.reply().plain());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", due, id, e.toString());
        }
    }
}
