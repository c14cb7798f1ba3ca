package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;

/**
 * A handler that hooks itself onto the Bolt {@link App}: every bean of this type is registered once, when
 * the app is built, so HTTP and Socket Mode run the very same handlers.
 */
public interface BoltRegistration {
    void registerOn(App app);
}
