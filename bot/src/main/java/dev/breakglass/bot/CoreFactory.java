package dev.breakglass.bot;

import dev.breakglass.activity.ActivityService;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.QueryService;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.RevealService;
import dev.breakglass.grant.ReviewService;
import dev.breakglass.grant.RevocationTimings;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.AuditLog;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.TargetRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;

/**
 * Puts the plain-Java core together with the adapters that implement its ports: the use cases by the grant's life
 * (request and decide, access, extension, queries, reveal, review) and the one {@link Permissions} they share.
 */
@Factory
public class CoreFactory {

    @Singleton
    RequestService requestService(GrantStore store, Policy policy, Permissions permissions, GrantScheduler scheduler,
                                  Clock clock) {
        return new RequestService(store, policy, permissions, scheduler, clock);
    }

    @Singleton
    AccessService accessService(GrantStore store, Policy policy, Permissions permissions, PeopleDirectory people,
                                TargetRegistry targets, CredentialVault vault, GrantScheduler scheduler, Clock clock,
                                RevocationTimings timings, RequestService requests) {
        return new AccessService(store, policy, permissions, people, targets, vault, scheduler, clock, timings,
                requests);
    }

    @Singleton
    ExtensionService extensionService(GrantStore store, Policy policy, Permissions permissions,
                                      TargetRegistry targets, CredentialVault vault, GrantScheduler scheduler,
                                      Clock clock) {
        return new ExtensionService(store, policy, permissions, targets, vault, scheduler, clock);
    }

    @Singleton
    QueryService queryService(GrantStore store, Permissions permissions, AuditLog audit) {
        return new QueryService(store, permissions, audit);
    }

    @Singleton
    ReviewService reviewService(GrantStore store, Policy policy, PeopleDirectory people,
                                GrantScheduler scheduler, Clock clock) {
        return new ReviewService(store, policy, people, scheduler, clock);
    }

    @Singleton
    RevealService revealService(GrantStore store, Policy policy, CredentialVault vault, Clock clock,
                                Permissions permissions) {
        return new RevealService(store, policy, vault, clock, permissions);
    }

    /** Activity under grants: the recording window, flags, each page read once. */
    @Singleton
    ActivityService activityService(GrantStore store, TargetRegistry targets, ActivityLog log, Policy policy,
                                    Clock clock,
                                    @Value("${breakglass.activity.grace:10m}") Duration grace) {
        return new ActivityService(store, targets, log, policy, clock, grace);
    }

    /** Who may do what: the one place that decides, for the use cases and the chat views alike. */
    @Singleton
    Permissions permissions(Policy policy, PeopleDirectory people) {
        return new Permissions(policy, people);
    }

    /** The metrics registry behind {@code /metrics}. */
    @Singleton
    @Bean(preDestroy = "close")
    PrometheusMeterRegistry meterRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Revocation claims and retries; tests shorten them. */
    @Singleton
    RevocationTimings revocationTimings(
            @Value("${breakglass.revocation.lease:2m}") Duration lease,
            @Value("${breakglass.revocation.first-retry:15s}") Duration firstRetry,
            @Value("${breakglass.revocation.max-retry:10m}") Duration maxRetry) {
        return new RevocationTimings(lease, firstRetry, maxRetry);
    }
}
