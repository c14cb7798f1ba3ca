package dev.breakglass.bot;

import dev.breakglass.grant.GrantService;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.Notifier;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.TargetRegistry;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Puts the plain-Java core together with the adapters that implement its ports. */
@Factory
public class CoreFactory {

    @Singleton
    GrantService grantService(GrantStore store, Policy policy, PeopleDirectory people, TargetRegistry targets,
                              CredentialVault vault, Notifier notifier, GrantScheduler scheduler, Clock clock) {
        return new GrantService(store, policy, people, targets, vault, notifier, scheduler, clock);
    }
}
