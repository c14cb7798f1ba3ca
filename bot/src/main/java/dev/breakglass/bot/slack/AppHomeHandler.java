package dev.breakglass.bot.slack;

import com.slack.api.bolt.App;
import com.slack.api.model.event.AppHomeOpenedEvent;
import jakarta.inject.Singleton;

/**
 * {@code app_home_opened}: the manifest subscribes to it for the App Home tab. Until the tab is built, the event
 * is acknowledged so Slack neither retries it nor disables the subscription.
 */
@Singleton
public class AppHomeHandler implements BoltRegistration {
    @Override
    public void registerOn(App app) {
        app.event(AppHomeOpenedEvent.class, (payload, ctx) -> ctx.ack());
    }
}
