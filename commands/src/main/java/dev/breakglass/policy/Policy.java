package dev.breakglass.policy;

import dev.breakglass.command.JustificationRules;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole policy file: where the bot posts, the targets, and the bot-wide rules.
 *
 * <p>Rules and edge cases (each refused with an {@link InvalidPolicyException} naming the field):
 * <ul>
 *   <li>{@code channels} is required; at least one target. Each map key is its target's name; two names may
 *       not differ only in case (people type them). The map keeps its order (the order of the file) and is
 *       unmodifiable.</li>
 *   <li>Null means the default: {@code justification} {@link JustificationRules#DEFAULT}, {@code pendingTimeout}
 *       30m, {@code warnBefore} 5m, {@code review} {@link ReviewPolicy#DEFAULT}. {@code revealLimit} is at
 *       least 1 (the constructor without it uses 1).</li>
 *   <li>A target's emergency {@code after} must be shorter than {@code pendingTimeout}, otherwise the request
 *       would time out before solo break glass is offered.</li>
 *   <li>{@code warnBefore} is not tied to the targets' durations: a grant shorter than twice {@code warnBefore}
 *       is warned halfway through its window instead.</li>
 * </ul>
 *
 * @param channels       approval and notify channels
 * @param targets        by name
 * @param justification  bounds of a justification's length
 * @param pendingTimeout how long a request waits for a decision before it times out
 * @param revealLimit    how many times the requester may reveal a grant's credentials
 * @param warnBefore     how long before expiry the requester is warned (with Extend / I'm done)
 * @param review         post-mortem reminders
 * @param requestsPerHour how many new requests one person may make in any hour (at least 1; default
 *                        {@value #DEFAULT_REQUESTS_PER_HOUR}): a runaway script or a flood of requests is refused
 *                        with a message, never queued
 * @param stepUp          bot-wide step-up rules: emergencies, who may reset someone's second factor, which factor
 *                        (null is {@link StepUpPolicy#DEFAULT})
 * @param activity        which actions under a grant are flagged, globally and per target (null is
 *                        {@link ActivityPolicy#NONE}); per-target patterns must name targets of this policy
 * @param emergencies     the emergency kinds break glass is allowed for, in file order; null or empty: none defined,
 *                        and requests need no kind (as before kinds existed). Ids are unique; each kind's targets
 *                        must be targets of this policy, its max-duration no shorter than their min-durations, and
 *                        its approvals possible with their approvers
 */
public record Policy(
        Channels channels,
        Map<String, TargetPolicy> targets,
        JustificationRules justification,
        Duration pendingTimeout,
        int revealLimit,
        Duration warnBefore,
        ReviewPolicy review,
        int requestsPerHour,
        StepUpPolicy stepUp,
        ActivityPolicy activity,
        List<EmergencyKind> emergencies) {

    /** pending-timeout when not given: 30 minutes. */
    public static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofMinutes(30);
    /** reveal-limit when not given: 1. */
    public static final int DEFAULT_REVEAL_LIMIT = 1;
    /** warn-before when not given: 5 minutes. */
    public static final Duration DEFAULT_WARN_BEFORE = Duration.ofMinutes(5);
    /** requests-per-hour when not given: 10. */
    public static final int DEFAULT_REQUESTS_PER_HOUR = 10;

    public Policy {
        if (channels == null) {
            throw InvalidPolicyException.at("channels", "channels is missing: it needs at least approvals");
        }
        if (targets == null || targets.isEmpty()) {
            throw InvalidPolicyException.at("targets", "targets is empty: at least one target is needed");
        }
        Map<String, TargetPolicy> copy = new LinkedHashMap<>();
        Map<String, String> byLowerCase = new HashMap<>();
        for (Map.Entry<String, TargetPolicy> e : targets.entrySet()) {
            String key = e.getKey();
            TargetPolicy target = e.getValue();
            if (target == null || !target.name().equals(key)) {
                throw new InvalidPolicyException(List.of("targets", String.valueOf(key)),
                        "target " + key + " is listed under a different name ("
                                + (target == null ? "none" : target.name()) + ")");
            }
            String other = byLowerCase.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
            if (other != null) {
                throw new InvalidPolicyException(List.of("targets", key),
                        "target " + key + " differs from target " + other + " only in upper/lower case");
            }
            copy.put(key, target);
        }
        targets = Collections.unmodifiableMap(copy);
        justification = justification == null ? JustificationRules.DEFAULT : justification;
        pendingTimeout = Checks.positive(pendingTimeout, DEFAULT_PENDING_TIMEOUT, "pending-timeout");
        if (revealLimit < 1) {
            throw InvalidPolicyException.at("reveal-limit", "reveal-limit must be at least 1, not " + revealLimit);
        }
        warnBefore = Checks.positive(warnBefore, DEFAULT_WARN_BEFORE, "warn-before");
        review = review == null ? ReviewPolicy.DEFAULT : review;
        stepUp = stepUp == null ? StepUpPolicy.DEFAULT : stepUp;
        activity = activity == null ? ActivityPolicy.NONE : activity;
        for (String name : activity.targetFlag().keySet()) {
            if (!targets.containsKey(name)) {
                throw new InvalidPolicyException(List.of("targets", String.valueOf(name), "activity"),
                        "activity flags are given for " + name + ", which is not a target");
            }
        }
        if (requestsPerHour < 1) {
            throw InvalidPolicyException.at("requests-per-hour",
                    "requests-per-hour must be at least 1, not " + requestsPerHour);
        }

        emergencies = checkedKinds(emergencies, targets);

        for (TargetPolicy target : targets.values()) {
            if (target.emergency().isPresent()) {
                Duration after = target.emergency().get().after();
                if (after.compareTo(pendingTimeout) >= 0) {
                    throw new InvalidPolicyException(List.of("targets", target.name(), "emergency", "after"),
                            "emergency after (" + Checks.text(after) + ") is not shorter than pending-timeout ("
                                    + Checks.text(pendingTimeout) + "): the request would time out before solo "
                                    + "break glass is offered");
                }
            }
        }
    }

    /** Every rule but {@code emergencies}: none defined, so requests need no kind. */
    public Policy(Channels channels, Map<String, TargetPolicy> targets, JustificationRules justification,
                  Duration pendingTimeout, int revealLimit, Duration warnBefore, ReviewPolicy review,
                  int requestsPerHour, StepUpPolicy stepUp, ActivityPolicy activity) {
        this(channels, targets, justification, pendingTimeout, revealLimit, warnBefore, review, requestsPerHour,
                stepUp, activity, null);
    }

    /** Every rule but {@code activity}, which is {@link ActivityPolicy#NONE}. */
    public Policy(Channels channels, Map<String, TargetPolicy> targets, JustificationRules justification,
                  Duration pendingTimeout, int revealLimit, Duration warnBefore, ReviewPolicy review,
                  int requestsPerHour, StepUpPolicy stepUp) {
        this(channels, targets, justification, pendingTimeout, revealLimit, warnBefore, review, requestsPerHour,
                stepUp, null);
    }

    /** Every rule but {@code stepUp}, which is {@link StepUpPolicy#DEFAULT}. */
    public Policy(Channels channels, Map<String, TargetPolicy> targets, JustificationRules justification,
                  Duration pendingTimeout, int revealLimit, Duration warnBefore, ReviewPolicy review,
                  int requestsPerHour) {
        this(channels, targets, justification, pendingTimeout, revealLimit, warnBefore, review, requestsPerHour,
                null, null);
    }

    /** Channels and targets; every bot-wide rule at its default. */
    public Policy(Channels channels, Map<String, TargetPolicy> targets) {
        this(channels, targets, null, null, DEFAULT_REVEAL_LIMIT, null, null);
    }

    /** Every rule but {@code requestsPerHour}, which is {@value #DEFAULT_REQUESTS_PER_HOUR}. */
    public Policy(Channels channels, Map<String, TargetPolicy> targets, JustificationRules justification,
                  Duration pendingTimeout, int revealLimit, Duration warnBefore, ReviewPolicy review) {
        this(channels, targets, justification, pendingTimeout, revealLimit, warnBefore, review,
                DEFAULT_REQUESTS_PER_HOUR, null, null);
    }

    /** Whether the policy defines emergency kinds, so that every request must name one. */
    public boolean kindsRequired() {
        return !emergencies.isEmpty();
    }

    /** The emergency kind with exactly this id; empty for unknown ids and null. */
    public Optional<EmergencyKind> kind(String id) {
        return emergencies.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    private static List<EmergencyKind> checkedKinds(List<EmergencyKind> kinds, Map<String, TargetPolicy> targets) {
        if (kinds == null) {
            return List.of();
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < kinds.size(); i++) {
            EmergencyKind kind = kinds.get(i);
            if (kind == null) {
                throw new InvalidPolicyException(List.of("emergencies", "[" + i + "]"), "emergencies has an empty entry");
            }
            List<String> at = List.of("emergencies", kind.id());
            Integer first = seen.putIfAbsent(kind.id(), i);
            if (first != null) {
                throw new InvalidPolicyException(at, "emergency " + kind.id() + " is defined twice");
            }
            for (int t = 0; t < kind.targets().size(); t++) {
                String name = kind.targets().get(t);
                if (!targets.containsKey(name)) {
                    throw new InvalidPolicyException(List.of("emergencies", kind.id(), "targets", "[" + t + "]"),
                            "emergency " + kind.id() + " names target " + name + ", which is not a target");
                }
            }
            for (TargetPolicy target : targets.values()) {
                if (!kind.appliesTo(target.name())) {
                    continue;
                }
                if (kind.maxDurationOn(target).compareTo(target.minDuration()) < 0) {
                    throw new InvalidPolicyException(List.of("emergencies", kind.id(), "max-duration"),
                            "emergency " + kind.id() + " max-duration (" + Checks.text(kind.maxDurationOn(target))
                                    + ") is shorter than the min-duration of target " + target.name() + " ("
                                    + Checks.text(target.minDuration()) + "): no request could fit");
                }
                int approvals = kind.approvalsOn(target);
                List<Principal> approvers = target.approvers();
                if (approvers.stream().allMatch(p -> p instanceof Principal.UserId) && approvers.size() < approvals) {
                    throw new InvalidPolicyException(List.of("emergencies", kind.id(), "approvals"),
                            "emergency " + kind.id() + " approvals (" + approvals + ") is more than the "
                                    + approvers.size() + " approvers of target " + target.name()
                                    + ": no such request could ever be approved");
                }
            }
        }
        return List.copyOf(kinds);
    }

    /** The target with exactly this name (case-sensitive); empty for unknown names and null. */
    public Optional<TargetPolicy> target(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(targets.get(name));
    }

    /**
     * Whether {@code action} on a grant of {@code target} counts only after a second factor: the target's
     * {@code step-up} rule, and for solo break glass also {@code step-up.emergency: always}. A target that is not
     * in the policy needs none (the use cases refuse such grants anyway).
     */
    public boolean stepUpRequired(String target, StepUpPolicy.Action action) {
        StepUpRule rule = target(target).map(TargetPolicy::stepUp).orElse(StepUpRule.NONE);
        return switch (action) {
            case REQUEST, EXTEND -> rule.requester();
            case APPROVE, APPROVE_EXTENSION -> rule.approver();
            case BREAK_GLASS -> rule.requester() || stepUp.emergencyAlways();
        };
    }

    /** Target names in file order. */
    public List<String> targetNames() {
        return List.copyOf(targets.keySet());
    }

    /** The adapter types the targets use, each once, in file order; the bot checks each exists at start. */
    public Set<String> adapters() {
        Set<String> adapters = new LinkedHashSet<>();
        targets.values().forEach(t -> adapters.add(t.adapter()));
        return Collections.unmodifiableSet(adapters);
    }
}
