package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.NotifyTarget;
import dev.breakglass.policy.Policy;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Who hears an event, decided when it is stored: one {@link Route} per consumer and lane. A lane is the unit of
 * order: deliveries of one lane go out one at a time in event order, lanes run side by side.
 *
 * <ul>
 *   <li>{@value #AUDIT}, {@value #CARD}, {@value #REQUESTER}, {@value #HOME}, {@value #METRICS}: every event, one
 *       lane per grant, so a grant's story is told in order and a slow grant delays only itself;</li>
 *   <li>{@value #NOTIFY}: the notify channels whose filter accepts the event's kind
 *       ({@link NotifyTarget.Event#of}), and the {@code notify} channels of the grant's emergency kind (every line,
 *       not filtered; a channel that is both hears it once), one lane per channel, so each channel reads in order and
 *       a rate-limited channel delays only itself. Routed by the policy in force when the event was stored.</li>
 * </ul>
 */
@Singleton
public class EventRoutes {
    public static final String AUDIT = "audit";
    public static final String CARD = "card";
    public static final String REQUESTER = "requester";
    public static final String NOTIFY = "notify";
    public static final String HOME = "home";
    public static final String METRICS = "metrics";
    /** Every consumer name a route can carry; the relay refuses to start without a consumer for each. */
    public static final List<String> CONSUMERS = List.of(AUDIT, CARD, REQUESTER, NOTIFY, HOME, METRICS);

    private final Policy policy;

    public EventRoutes(Policy policy) {
        this.policy = policy;
    }

    /** One delivery to make: {@code consumer} in the lane keyed {@code key}. */
    public record Route(String consumer, String key) {
        /** The lane's name in the outbox: consumer and key, like {@code notify:C0SECURITY}. */
        public String lane() {
            return consumer + ":" + key;
        }

        /** The route a lane's name stands for; a name without a consumer (no colon) has consumer "". */
        public static Route ofLane(String lane) {
            int colon = lane.indexOf(':');
            return new Route(colon < 0 ? "" : lane.substring(0, colon), lane.substring(colon + 1));
        }
    }

    /** The deliveries of {@code event}, in the order the consumers are listed in {@link #CONSUMERS}. */
    public List<Route> of(GrantEvent event) {
        String grant = Long.toString(event.grant().id().value());
        List<Route> routes = new ArrayList<>();
        for (String perGrant : List.of(AUDIT, CARD, REQUESTER)) {
            routes.add(new Route(perGrant, grant));
        }
        NotifyTarget.Event.of(event).ifPresent(kind -> {
            policy.channels().notifyTargets().stream()
                    .filter(t -> t.accepts(kind)).forEach(t -> routes.add(new Route(NOTIFY, t.channel())));
            // The emergency kind's own channels hear every notify line of its grants, once each.
            event.grant().kind().flatMap(policy::kind).ifPresent(k -> k.notifyChannels().stream()
                    .map(channel -> new Route(NOTIFY, channel)).filter(r -> !routes.contains(r)).forEach(routes::add));
        });
        routes.add(new Route(HOME, grant));
        routes.add(new Route(METRICS, grant));
        return routes;
    }
}
