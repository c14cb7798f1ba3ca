package dev.breakglass.bot.slack.outbound;

import dev.breakglass.bot.slack.render.EmergencyKinds;
import dev.breakglass.bot.slack.render.HomeView;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The App Home renderer. Its templates are rendered once at start with a made-up grant in every section (more
 * than fit, so "…and N more" too), so a broken or misspelt override stops the start instead of the first Home.
 */
@Factory
class AppHomeFactory {
    @Singleton
    HomeView homeView(Templates templates, EmergencyKinds kinds) {
        HomeView view = new HomeView(templates, kinds);
        Grant sample = Grant.pending(new GrantId(1), new NewGrant("U0CHECK", "check", Optional.of("role"),
                Duration.ofMinutes(30), "template check", Optional.of("INC-1"), 1, Instant.EPOCH));
        List<Grant> many = Collections.nCopies(HomeView.ITEMS_PER_SECTION + 1, sample);
        view.blocks("U0CHECK", new HomeView.Sections(many, many, many, many), Instant.EPOCH);
        view.blocks("U0CHECK", HomeView.Sections.empty(), Instant.EPOCH);
        return view;
    }
}
