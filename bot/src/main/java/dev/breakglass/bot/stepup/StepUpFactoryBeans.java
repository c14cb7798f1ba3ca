package dev.breakglass.bot.stepup;

import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.bot.persistence.CredentialCipher;
import dev.breakglass.bot.adapter.PluginLoader;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.StepUp;
import dev.breakglass.port.StepUpAttempts;
import dev.breakglass.port.StepUpEvents;
import dev.breakglass.port.StepUpFactory;
import dev.breakglass.stepup.StepUpService;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The second factor the policy names in {@code step-up.factor}: the built-in {@code totp}, or a plugin's
 * {@link StepUpFactory} from the plugins folder. An unknown name, or a plugin that refuses its settings, stops the
 * start with a message naming the factor.
 */
@Factory
public class StepUpFactoryBeans {

    @Singleton
    StepUp stepUp(Policy policy, DataSource dataSource, CredentialCipher cipher, Clock clock, PluginLoader plugins) {
        String factor = policy.stepUp().factor();
        if (factor.equals(TotpStepUp.TYPE)) {
            return new TotpStepUp(dataSource, cipher, clock);
        }
        List<StepUpFactory> found = plugins.stepUpFactories();
        StepUpFactory chosen = found.stream().filter(f -> factor.equals(f.type())).findFirst()
                .orElseThrow(() -> new InvalidConfigurationException("step-up.factor is \"" + factor + "\", but no "
                        + "plugin in the plugins folder provides it (built in: totp; plugins: "
                        + (found.isEmpty() ? "none" : found.stream().map(StepUpFactory::type)
                        .collect(Collectors.joining(", "))) + ")"));
        try {
            StepUp made = chosen.create(policy.stepUp().settings(), clock);
            if (made == null || !factor.equals(made.type())) {
                throw new InvalidConfigurationException("the step-up plugin \"" + factor + "\" made no factor of "
                        + "that type");
            }
            return made;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("step-up.settings for the factor \"" + factor + "\": "
                    + e.getMessage(), e);
        }
    }

    @Singleton
    StepUpService stepUpService(Policy policy, StepUp factor, StepUpAttempts attempts, StepUpEvents events,
                                PeopleDirectory people, Clock clock) {
        return new StepUpService(policy, factor, attempts, events, people, clock);
    }
}
