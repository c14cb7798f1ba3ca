package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.port.Notifier;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The core's {@link Notifier}: every event to every {@link GrantEventListener}, one listener's failure isolated. */
@Singleton
public class EventFanout implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(EventFanout.class);
    private final List<GrantEventListener> listeners;

    public EventFanout(List<GrantEventListener> listeners) {
        this.listeners = listeners;
    }

    @Override
    public void publish(GrantEvent event) {
        for (GrantEventListener listener : listeners) {
            try {
                listener.on(event);
            } catch (RuntimeException e) {
                LOG.error("{} failed on {} of {}: {}", listener.getClass().getSimpleName(),
                        event.getClass().getSimpleName(), event.grant().id(), e.toString());
            }
        }
    }
}
