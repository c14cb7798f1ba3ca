package dev.breakglass.bot.slack.inbound;

import dev.breakglass.bot.slack.outbound.AppHomeRefresher;

import com.slack.api.bolt.App;
import com.slack.api.model.event.AppHomeOpenedEvent;
import jakarta.inject.Singleton;

/**
 * {@code app_home_opened}: publishes the user's Home tab (through {@link AppHomeRefresher}, off Slack's
 * 3-second acknowledgement) and remembers them, so later grant changes republish it. The Messages tab
 * (same event, {@code tab: messages}) is only acknowledged.
 */
@Singleton
public class AppHomeHandler implements BoltRegistration {
    private final AppHomeRefresher homes;

    public AppHomeHandler(AppHomeRefresher homes) {
        this.homes = homes;
    }

    @Override
    public void registerOn(App app) {
        app.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
            AppHomeOpenedEvent event = payload.getEvent();
            if (event.getUser() != null && (event.getTab() == null || "home".equals(event.getTab()))) {
                homes.opened(event.getUser());
            }
            return ctx.ack();
        });
    }
}
