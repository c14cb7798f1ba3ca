package dev.breakglass.policy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An emergency the organisation defined in advance (the policy's {@code emergencies:}), such as a production
 * outage: when the policy has any, break glass is allowed only for one of them. Not to be confused with
 * {@link EmergencyPolicy}, which is solo break glass on one target.
 *
 * <p>Rules and edge cases (each refused with an {@link InvalidPolicyException} naming the field):
 * <ul>
 *   <li>{@code id}: a lower-case word, letters, digits and {@code -}, a letter first, at most 32 characters
 *       ({@code outage}, {@code identity-provider}); people type it in {@code kind:<id>}.</li>
 *   <li>{@code title} is required and one line; {@code description} null is empty.</li>
 *   <li>{@code targets}: null or empty is every target; each must be a target of the policy (checked by
 *       {@link Policy}); no repeats.</li>
 *   <li>{@code requesters}: null or empty is whoever may request the target; otherwise only these principals,
 *       and only when they may also request the target.</li>
 *   <li>{@code maxDuration}: caps the target's max-duration; {@link Policy} refuses it when it is shorter than
 *       a concerned target's min-duration (no request could fit).</li>
 *   <li>{@code approvals}: replaces the target's count, at least 1 (lower or higher).</li>
 *   <li>{@code notifyChannels} (policy key {@code notify}): channel ids that also get the notify lines of this kind's grants; no repeats.</li>
 *   <li>{@code reference}: a regular expression the whole incident reference must match ({@code INC-\d+});
 *       when given, a reference is required. Empty: any reference, or none.</li>
 *   <li>{@code link}: an {@code https://} (or {@code http://}) address with {@code {reference}} where the
 *       reference goes; it needs {@code reference}, so that only a checked reference ends up in a link.</li>
 * </ul>
 *
 * @param id          what people type in {@code kind:<id>}
 * @param title       what people read, like "Production outage"
 * @param description when the kind applies
 * @param targets     the targets it applies to; empty: all
 * @param requesters  who may invoke it; empty: whoever may request the target
 * @param maxDuration longest grant under this kind, when capped
 * @param approvals   approvals needed under this kind, when different from the target's
 * @param notifyChannels extra channels for the notify lines
 * @param reference   the incident-reference pattern, as written
 * @param link        the incident link template, with {@code {reference}}
 */
public record EmergencyKind(
        String id,
        String title,
        String description,
        List<String> targets,
        List<Principal> requesters,
        Optional<Duration> maxDuration,
        OptionalInt approvals,
        List<String> notifyChannels,
        Optional<String> reference,
        Optional<String> link) {

    /** What {@code link} must contain. */
    public static final String REFERENCE_SLOT = "{reference}";
    /** Longest title. */
    public static final int MAX_TITLE = 80;

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern LINK = Pattern.compile("https?://[^\\s<>|]+");

    public EmergencyKind {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidPolicyException(List.of(), "emergency id " + (id == null ? "(none)" : "\"" + id + "\"")
                    + " must be a lower-case word: letters, digits and \"-\", a letter first, at most 32 "
                    + "characters (like outage)");
        }
        if (title == null || title.isBlank()) {
            throw InvalidPolicyException.at("title", "title is missing: what people read, like Production outage");
        }
        title = title.strip();
        if (title.contains("\n") || title.contains("\r")) {
            throw InvalidPolicyException.at("title", "title must be on one line");
        }
        if (title.length() > MAX_TITLE) {
            throw InvalidPolicyException.at("title", "title is " + title.length() + " characters long; at most "
                    + MAX_TITLE);
        }
        description = description == null ? "" : description.strip();
        targets = Checks.distinct(targets, "targets");
        requesters = Checks.distinct(requesters, "requesters");
        maxDuration = Objects.requireNonNullElse(maxDuration, Optional.<Duration>empty());
        maxDuration.ifPresent(d -> Checks.positive(d, null, "max-duration"));
        approvals = Objects.requireNonNullElse(approvals, OptionalInt.empty());
        if (approvals.isPresent() && approvals.getAsInt() < 1) {
            throw InvalidPolicyException.at("approvals", "approvals must be at least 1, not " + approvals.getAsInt());
        }
        notifyChannels = Checks.distinct(notifyChannels, "notify");
        for (int i = 0; i < notifyChannels.size(); i++) {
            Channels.requireChannelId(notifyChannels.get(i), List.of("notify", "[" + i + "]"));
        }
        reference = Objects.requireNonNullElse(reference, Optional.<String>empty());
        if (reference.isPresent()) {
            referenceProblem(reference.get()).ifPresent(p -> {
                throw InvalidPolicyException.at("reference", p);
            });
        }
        link = Objects.requireNonNullElse(link, Optional.<String>empty());
        if (link.isPresent()) {
            String l = link.get().strip();
            if (!l.contains(REFERENCE_SLOT)) {
                throw InvalidPolicyException.at("link", "link has no " + REFERENCE_SLOT + ": write where the "
                        + "incident reference goes, like https://incidents.example/" + REFERENCE_SLOT);
            }
            if (!LINK.matcher(l).matches()) {
                throw InvalidPolicyException.at("link", "link \"" + l + "\" must be an https:// address without "
                        + "spaces, like https://incidents.example/" + REFERENCE_SLOT);
            }
            if (reference.isEmpty()) {
                throw InvalidPolicyException.at("link", "link needs a reference pattern (like INC-\\d+), so that "
                        + "only a checked incident reference is put into a link");
            }
            link = Optional.of(l);
        }
    }

    /** Why {@code regex} cannot be a reference pattern, or empty when it can. */
    public static Optional<String> referenceProblem(String regex) {
        if (regex == null || regex.isBlank()) {
            return Optional.of("reference is empty: write a pattern for incident references, like INC-\\d+");
        }
        try {
            Pattern p = Pattern.compile(regex);
            if (p.matcher("").matches()) {
                return Optional.of("reference \"" + regex + "\" matches an empty reference: make it require "
                        + "something, like INC-\\d+");
            }
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("reference \"" + regex + "\" is not a valid regular expression: "
                    + e.getDescription() + (e.getIndex() >= 0 ? " (at character " + (e.getIndex() + 1) + ")" : ""));
        }
    }

    /** Whether this kind may be invoked for {@code target} (by name); false for null. */
    public boolean appliesTo(String target) {
        return target != null && (targets.isEmpty() || targets.contains(target));
    }

    /**
     * Whether {@code incident} is an acceptable reference: with a pattern, present and matching it as a whole;
     * without one, anything (including none).
     */
    public boolean accepts(Optional<String> incident) {
        return reference.isEmpty() || incident.filter(i -> Pattern.compile(reference.get()).matcher(i).matches())
                .isPresent();
    }

    /**
     * The incident's address: {@code link} with the reference in place, URL-encoded (a pattern may allow spaces
     * or {@code &}); empty without a link.
     */
    public Optional<String> linkTo(String incident) {
        return link.map(l -> l.replace(REFERENCE_SLOT,
                URLEncoder.encode(incident, StandardCharsets.UTF_8).replace("+", "%20")));
    }

    /** The longest grant on {@code target} under this kind: the shorter of the target's and this kind's. */
    public Duration maxDurationOn(TargetPolicy target) {
        return maxDuration.filter(d -> d.compareTo(target.maxDuration()) < 0).orElse(target.maxDuration());
    }

    /** Approvals needed on {@code target} under this kind. */
    public int approvalsOn(TargetPolicy target) {
        return approvals.orElse(target.approvals());
    }
}
