package dev.breakglass.bot.slack;

import dev.breakglass.bot.slack.inbound.BoltRegistration;
import dev.breakglass.bot.slack.outbound.ParsedOnceMethodsClient;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.methods.MethodsClient;
import dev.breakglass.bot.config.SlackEndpoint;
import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.EmergencyKinds;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ActivityView;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.bot.slack.render.Templates;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Builds Slack's client and the Bolt app, pointed at the resolved {@link SlackEndpoint}, and the message renderers. */
@Factory
public class SlackAppFactory {

    @Singleton
    @Bean(preDestroy = "close")
    Slack slack(SlackEndpoint endpoint) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(endpoint.apiUrl());
        // Socket Mode asks apps.connections.open through the same prefix.
        config.setPrettyResponseLoggingEnabled(false);
        return Slack.getInstance(config);
    }

    /** Web API calls with the bot token, every answer read by one parser ({@link ParsedOnceMethodsClient}). */
    @Singleton
    MethodsClient methods(Slack slack, SlackEndpoint endpoint) {
        ParsedOnceMethodsClient client = new ParsedOnceMethodsClient(slack.getHttpClient(), endpoint.botToken());
        client.setEndpointUrlPrefix(slack.getConfig().getMethodsEndpointUrlPrefix());
        return client;
    }

    @Singleton
    Templates templates(@Value("${breakglass.templates:}") String overrides) {
        List<String> names = new java.util.ArrayList<>(CommandReplies.TEMPLATES);
        names.addAll(GrantCard.TEMPLATES);
        names.addAll(PostMortemView.TEMPLATES);
        names.add(ActivityView.TEMPLATE);
        names.addAll(ReplyText.TEMPLATES);
        names.add(FormWords.TEMPLATE);
        return new Templates(overrides.isBlank() ? Optional.empty() : Optional.of(Path.of(overrides.trim())), names);
    }

    @Singleton
    CommandReplies commandReplies(Templates templates, EmergencyKinds kinds) {
        return new CommandReplies(templates, kinds);
    }

    @Singleton
    FormWords formWords(Templates templates) {
        return new FormWords(templates);
    }

    @Singleton
    ReplyText replyText(Templates templates) {
        return new ReplyText(templates);
    }

    @Singleton
    GrantCard grantCard(Templates templates, EmergencyKinds kinds) {
        return new GrantCard(templates, kinds);
    }

    @Singleton
    ActivityView activityView(Templates templates) {
        return new ActivityView(templates);
    }

    @Singleton
    PostMortemView postMortemView(Templates templates, EmergencyKinds kinds) {
        return new PostMortemView(templates, kinds);
    }

    /** The policy's emergency kinds, for showing a grant's kind and incident link. */
    @Singleton
    EmergencyKinds emergencyKinds(dev.breakglass.policy.Policy policy) {
        return new EmergencyKinds(policy.emergencies());
    }

    @Singleton
    App app(Slack slack, SlackEndpoint endpoint, List<BoltRegistration> registrations) {
        AppConfig config = AppConfig.builder()
                .slack(slack)
                .singleTeamBotToken(endpoint.botToken())
                .signingSecret(endpoint.signingSecret().orElse(null))
                // Our controller checks signatures itself, with the injected clock and a symmetric window
                // (Bolt's check accepts future timestamps); Socket Mode needs none.
                .requestVerificationEnabled(false)
                .build();
        App app = new App(config);
        registrations.forEach(r -> r.registerOn(app));
        return app;
    }
}
