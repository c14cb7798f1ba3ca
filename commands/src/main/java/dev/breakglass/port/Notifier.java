package dev.breakglass.port;

import dev.breakglass.event.GrantEvent;

/**
 * Tells people about grants: the request card, the requester, the notify channels. Called after each change
 * is saved, never inside a decision, so a slow or failing chat service delays messages but never a decision.
 * Implementations must not throw for delivery problems: they retry or log.
 */
public interface Notifier {
    void publish(GrantEvent event);
}
