package dev.breakglass.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One system people can ask access to, and the rules for it.
 *
 * <p>Rules and edge cases (each refused with an {@link InvalidPolicyException} naming the field):
 * <ul>
 *   <li>{@code name} and every role: letters, digits, {@code -}, {@code _}, {@code .}; a letter or digit first;
 *       at most 63 characters. Names are case-sensitive. Roles are unique; the first is the default; no roles
 *       means the target has a single, unnamed level of access.</li>
 *   <li>{@code adapter}: lower-case letters, digits, {@code -}, {@code _}, {@code .}; a letter first; at most 63.
 *       Whether such an adapter exists is checked where adapters are known, not here.</li>
 *   <li>Durations: {@code maxDuration} is required. Null {@code minDuration} is 1m, or {@code maxDuration}
 *       when that is shorter. Null {@code defaultDuration} is 30m, moved into min..max (so it is capped to
 *       the maximum). Then {@code min ≤ default ≤ max} must hold.</li>
 *   <li>{@code approvals}: distinct approvers needed, at least 1; the requester never counts. When every
 *       approver is a single user (no groups, no {@code *}), there must be at least {@code approvals} of them.</li>
 *   <li>{@code requesters}: null is {@code ["*"]} (anyone may ask; approval is still needed); an empty list is
 *       refused, as it would make the target unusable. {@code approvers} is required and non-empty.
 *       {@code revokers} and {@code reviewers}: null is empty. Revokers may end any grant early, besides its
 *       requester and approvers; with no reviewers the target's approvers sign off post-mortems. No list may
 *       name the same entry twice.</li>
 *   <li>{@code emergency}: null is none. Its max-duration must lie within this target's min..max.</li>
 *   <li>{@code stepUp}: null is {@link StepUpRule#NONE} (no second factor); production policies should say
 *       {@link StepUpRule#BOTH}.</li>
 *   <li>{@code settings}: adapter-specific, deep-copied and unmodifiable; text, numbers, booleans, null, lists
 *       and maps with text keys only. Values such as {@code ${DB_PASSWORD}} are kept as written: adapters
 *       resolve them.</li>
 * </ul>
 *
 * @param name            the name used in {@code /breakglass request <name>[:<role>]}
 * @param description     for people; null is empty
 * @param adapter         the adapter type that provisions access: a built-in ({@code postgres}, …) or a plugin's
 * @param roles           levels of access, first is the default; null is none
 * @param minDuration     shortest grant
 * @param defaultDuration duration when the request names none
 * @param maxDuration     longest grant
 * @param approvals       distinct approvers needed
 * @param requesters      who may ask
 * @param approvers       who may approve or deny
 * @param revokers        who else may end a grant early
 * @param reviewers       who signs off post-mortems
 * @param emergency       solo break glass, when allowed
 * @param settings        adapter-specific values
 * @param stepUp          who must pass step-up (a second factor) before their action counts
 */
public record TargetPolicy(
        String name,
        String description,
        String adapter,
        List<String> roles,
        Duration minDuration,
        Duration defaultDuration,
        Duration maxDuration,
        int approvals,
        List<Principal> requesters,
        List<Principal> approvers,
        List<Principal> revokers,
        List<Principal> reviewers,
        Optional<EmergencyPolicy> emergency,
        Map<String, Object> settings,
        StepUpRule stepUp) {

    /** min-duration when not given: 1 minute. */
    public static final Duration DEFAULT_MIN_DURATION = Duration.ofMinutes(1);
    /** default-duration when not given: 30 minutes (capped to max-duration). */
    public static final Duration DEFAULT_DEFAULT_DURATION = Duration.ofMinutes(30);
    /** approvals when not given: 1. */
    public static final int DEFAULT_APPROVALS = 1;

    private static final Pattern ADAPTER = Pattern.compile("[a-z][a-z0-9._-]{0,62}");

    public TargetPolicy {
        if (name == null || !Checks.NAME.matcher(name).matches()) {
            throw new InvalidPolicyException(List.of(),
                    "target name " + quote(name) + " " + Checks.NAME_RULE);
        }
        description = description == null ? "" : description.strip();
        if (adapter == null || adapter.isEmpty()) {
            throw InvalidPolicyException.at("adapter",
                    "adapter is missing: the type of system, like postgres, ssh-cert or webhook");
        }
        if (!ADAPTER.matcher(adapter).matches()) {
            throw InvalidPolicyException.at("adapter", "adapter " + quote(adapter)
                    + " may use only lower-case letters, digits, \"-\", \"_\" and \".\", must start with a letter "
                    + "and be at most 63 characters");
        }
        roles = Checks.distinct(roles, "roles");
        for (int i = 0; i < roles.size(); i++) {
            if (!Checks.NAME.matcher(roles.get(i)).matches()) {
                throw new InvalidPolicyException(List.of("roles", "[" + i + "]"),
                        "role " + quote(roles.get(i)) + " " + Checks.NAME_RULE);
            }
        }

        if (maxDuration == null) {
            throw InvalidPolicyException.at("max-duration", "max-duration is missing: the longest grant, like 1h");
        }
        maxDuration = Checks.positive(maxDuration, null, "max-duration");
        minDuration = Checks.positive(minDuration, min(DEFAULT_MIN_DURATION, maxDuration), "min-duration");
        if (minDuration.compareTo(maxDuration) > 0) {
            throw InvalidPolicyException.at("min-duration", "min-duration (" + Checks.text(minDuration)
                    + ") is longer than max-duration (" + Checks.text(maxDuration) + ")");
        }
        defaultDuration = Checks.positive(defaultDuration,
                max(minDuration, min(DEFAULT_DEFAULT_DURATION, maxDuration)), "default-duration");
        if (defaultDuration.compareTo(maxDuration) > 0) {
            throw InvalidPolicyException.at("default-duration", "default-duration (" + Checks.text(defaultDuration)
                    + ") is longer than max-duration (" + Checks.text(maxDuration) + ")");
        }
        if (defaultDuration.compareTo(minDuration) < 0) {
            throw InvalidPolicyException.at("default-duration", "default-duration (" + Checks.text(defaultDuration)
                    + ") is shorter than min-duration (" + Checks.text(minDuration) + ")");
        }

        if (approvals < 1) {
            throw InvalidPolicyException.at("approvals", "approvals must be at least 1, not " + approvals);
        }
        if (requesters == null) {
            requesters = List.of(Principal.ANYONE);
        } else if (requesters.isEmpty()) {
            throw InvalidPolicyException.at("requesters",
                    "requesters is empty: list who may ask for access, or \"*\" for anyone (leave it out for anyone)");
        }
        requesters = Checks.distinct(requesters, "requesters");
        if (approvers == null || approvers.isEmpty()) {
            throw InvalidPolicyException.at("approvers", "approvers is " + (approvers == null ? "missing" : "empty")
                    + ": list who may approve (user ids U…, user group ids S…, or \"*\")");
        }
        approvers = Checks.distinct(approvers, "approvers");
        if (approvers.stream().allMatch(p -> p instanceof Principal.UserId) && approvers.size() < approvals) {
            throw InvalidPolicyException.at("approvals", "approvals (" + approvals + ") is more than the "
                    + approvers.size() + " " + (approvers.size() == 1 ? "user" : "users")
                    + " listed in approvers: no request could ever be approved");
        }
        revokers = Checks.distinct(revokers, "revokers");
        reviewers = Checks.distinct(reviewers, "reviewers");

        emergency = emergency == null ? Optional.empty() : emergency;
        if (emergency.isPresent()) {
            Duration solo = emergency.get().maxDuration();
            if (solo.compareTo(maxDuration) > 0) {
                throw new InvalidPolicyException(List.of("emergency", "max-duration"),
                        "emergency max-duration (" + Checks.text(solo) + ") is longer than the target's max-duration ("
                                + Checks.text(maxDuration) + ")");
            }
            if (solo.compareTo(minDuration) < 0) {
                throw new InvalidPolicyException(List.of("emergency", "max-duration"),
                        "emergency max-duration (" + Checks.text(solo) + ") is shorter than the target's min-duration ("
                                + Checks.text(minDuration) + ")");
            }
        }
        settings = Checks.settings(settings);
        stepUp = stepUp == null ? StepUpRule.NONE : stepUp;
    }

    /** Every part but {@code stepUp}, which is {@link StepUpRule#NONE}. */
    public TargetPolicy(String name, String description, String adapter, List<String> roles, Duration minDuration,
                        Duration defaultDuration, Duration maxDuration, int approvals, List<Principal> requesters,
                        List<Principal> approvers, List<Principal> revokers, List<Principal> reviewers,
                        Optional<EmergencyPolicy> emergency, Map<String, Object> settings) {
        this(name, description, adapter, roles, minDuration, defaultDuration, maxDuration, approvals, requesters,
                approvers, revokers, reviewers, emergency, settings, StepUpRule.NONE);
    }

    /** Starts a target with the required parts; everything else takes its default. */
    public static Builder builder(String name, String adapter, Duration maxDuration, List<Principal> approvers) {
        return new Builder(name, adapter, maxDuration, approvers);
    }

    /** The role used when a request names none: the first role, or empty when the target has no roles. */
    public Optional<String> defaultRole() {
        return roles.isEmpty() ? Optional.empty() : Optional.of(roles.get(0));
    }

    /** Whether {@code role} is one of this target's roles (exact, case-sensitive); false for null. */
    public boolean hasRole(String role) {
        return role != null && roles.contains(role);
    }

    /** Whether {@code duration} lies within min-duration..max-duration, both included. */
    public boolean allows(Duration duration) {
        return duration != null && duration.compareTo(minDuration) >= 0 && duration.compareTo(maxDuration) <= 0;
    }

    /**
     * Builds a {@link TargetPolicy} in code (tests, programmatic set-ups); the record's rules apply at
     * {@link #build()}.
     */
    public static final class Builder {
        private final String name;
        private final String adapter;
        private final Duration maxDuration;
        private final List<Principal> approvers;
        private String description;
        private List<String> roles;
        private Duration minDuration;
        private Duration defaultDuration;
        private int approvals = DEFAULT_APPROVALS;
        private List<Principal> requesters;
        private List<Principal> revokers;
        private List<Principal> reviewers;
        private EmergencyPolicy emergency;
        private Map<String, Object> settings;
        private StepUpRule stepUp;

        private Builder(String name, String adapter, Duration maxDuration, List<Principal> approvers) {
            this.name = name;
            this.adapter = adapter;
            this.maxDuration = maxDuration;
            this.approvers = approvers == null ? null : new ArrayList<>(approvers);
        }

        public Builder description(String value) {
            this.description = value;
            return this;
        }

        public Builder roles(String... value) {
            this.roles = List.of(value);
            return this;
        }

        public Builder minDuration(Duration value) {
            this.minDuration = value;
            return this;
        }

        public Builder defaultDuration(Duration value) {
            this.defaultDuration = value;
            return this;
        }

        public Builder approvals(int value) {
            this.approvals = value;
            return this;
        }

        public Builder requesters(Principal... value) {
            this.requesters = List.of(value);
            return this;
        }

        public Builder revokers(Principal... value) {
            this.revokers = List.of(value);
            return this;
        }

        public Builder reviewers(Principal... value) {
            this.reviewers = List.of(value);
            return this;
        }

        public Builder emergency(EmergencyPolicy value) {
            this.emergency = value;
            return this;
        }

        public Builder settings(Map<String, Object> value) {
            this.settings = value;
            return this;
        }

        public Builder stepUp(StepUpRule value) {
            this.stepUp = value;
            return this;
        }

        /** @throws InvalidPolicyException when a rule of {@link TargetPolicy} does not hold */
        public TargetPolicy build() {
            return new TargetPolicy(name, description, adapter, roles, minDuration, defaultDuration, maxDuration,
                    approvals, requesters, approvers, revokers, reviewers, Optional.ofNullable(emergency), settings, stepUp);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }
}
