package dev.breakglass.bot.config;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import dev.breakglass.policy.Policy;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

import java.time.Clock;
import java.util.Optional;

/** Turns the environment (via application.yml's {@code breakglass.*} properties) into typed settings. */
@Factory
public class SettingsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsFactory.class);

    @Singleton
    SlackSettings slackSettings(@Value("${breakglass.slack.bot-token:}") String botToken,
                                @Value("${breakglass.slack.signing-secret:}") String signingSecret,
                                @Value("${breakglass.slack.app-token:}") String appToken,
                                @Value("${breakglass.slack.api-url:}") String apiUrl) {
        try {
            return new SlackSettings(Optional.of(botToken), Optional.of(signingSecret), Optional.of(appToken), apiUrl);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
    }

    /** Real Slack as configured, or the sandbox emulator when there is no bot token. */
    @Singleton
    SlackEndpoint slackEndpoint(SlackSettings settings, BeanProvider<SandboxLauncher> sandbox) {
        if (settings.mode() == SlackSettings.Mode.SANDBOX) {
            return sandbox.get().start();
        }
        return new SlackEndpoint(settings.mode(), settings.botToken().orElseThrow(), settings.signingSecret(),
                settings.appToken(), settings.apiUrl());
    }

    /**
     * The policy, read and validated at start ({@link Context}): a broken file stops the bot with a message naming
     * the file, line and field. The built-in demo policy serves the sandbox only; with a real Slack workspace a
     * policy file is required, since the demo's channel and user ids mean nothing there.
     */
    @Singleton
    @Context
    LoadedPolicy loadedPolicy(@Value("${breakglass.policy:}") String configured, SlackSettings slack) {
        PolicySource source = PolicyLoader.resolve(
                configured.isBlank() ? Optional.empty() : Optional.of(configured.trim()), Path.of(""));
        if (source.isDemo() && slack.mode() != SlackSettings.Mode.SANDBOX) {
            throw new InvalidConfigurationException("no policy file: set " + PolicyLoader.ENVIRONMENT_VARIABLE
                    + " or create ./" + PolicyLoader.DEFAULT_FILE_NAME
                    + " (the built-in demo policy runs in sandbox mode only)");
        }
        LoadedPolicy loaded = new PolicyLoader().read(source);
        LOG.info("Policy loaded from {}: {} target(s)", source.describe(), loaded.policy().targets().size());
        return loaded;
    }

    /** The policy alone, as the core and most adapters need it. */
    @Singleton
    Policy policy(LoadedPolicy loaded) {
        return loaded.policy();
    }

    /** The one clock of the application; tests replace it. */
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
