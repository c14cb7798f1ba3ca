package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;

/**
 * Something in the bot that reacts to grant events. Called on the publishing thread, after the change was
 * saved: listeners must be quick (hand slow work to their own queue) and must not throw.
 */
public interface GrantEventListener {
    void on(GrantEvent event);
}
