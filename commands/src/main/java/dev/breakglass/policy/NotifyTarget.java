package dev.breakglass.policy;

import dev.breakglass.event.GrantEvent;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One notify channel and the grant events it hears.
 *
 * <p>Written in the policy either as a bare channel id (every event) or as
 * {@code {channel: C0MGMT, events: [emergency, revocation-failed]}}. The channel id follows the same rule as
 * every channel id of the policy ({@code C…}/{@code G…}, upper case); the events come from the fixed
 * vocabulary {@link Event}. An empty event list is refused (leave {@code events} out for every event).
 *
 * @param channel the channel id
 * @param events  the events this channel gets, never empty; an unmodifiable copy
 */
public record NotifyTarget(String channel, Set<Event> events) {

    /** The events a notify channel can ask for, by their policy name ({@link #policyName()}). */
    public enum Event {
        /** A request was made. */
        REQUESTED,
        /** A peer approved (also each approval while more are needed). */
        APPROVED,
        /** A peer denied the request. */
        DENIED,
        /** The requester withdrew the request. */
        CANCELLED,
        /** Nobody decided within pending-timeout. */
        TIMED_OUT,
        /** No decision within emergency.after: solo break glass is offered to the requester. */
        EMERGENCY_OFFERED,
        /** The requester broke the glass alone. */
        EMERGENCY,
        /** Access was provisioned; the window runs. */
        ACTIVE,
        /** Provisioning failed. */
        FAILED,
        /** The expiry warning went to the requester. */
        EXPIRING,
        /** The requester asked for more time. */
        EXTENSION_REQUESTED,
        /** A peer approved more time (also each approval while more are needed). */
        EXTENDED,
        /** A peer denied more time. */
        EXTENSION_DENIED,
        /** Access was removed at the end of its window. */
        EXPIRED,
        /** Access was ended early and removed. */
        REVOKED,
        /** Removing the access failed (the first failure of a grant; retries follow). */
        REVOCATION_FAILED,
        /** Removing the access succeeded after failures. */
        REVOCATION_RECOVERED,
        /** Someone confirmed by hand that the access is gone. */
        REVOCATION_RESOLVED,
        /** The requester left the review unwritten after more than {@code review.escalate-after} reminders. */
        REVIEW_OVERDUE,
        /** The requester wrote the post-mortem review. */
        REVIEW_WRITTEN,
        /** A reviewer signed the review off. */
        REVIEWED;

        /** The name written in the policy file: lower case with dashes, like {@code timed-out}. */
        public String policyName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The event written as {@code name} in the policy; empty when the vocabulary has no such name. */
        public static Optional<Event> byPolicyName(String name) {
            return Arrays.stream(values()).filter(e -> e.policyName().equals(name)).findFirst();
        }

        /**
         * Which notify event a grant event is; empty for the events no notify channel hears: a reveal (the audit
         * log and the post-mortem tell it), a repeated revocation failure (only the first is announced), a
         * reminder that is not yet an escalation, the post-mortem's opening (its thread tells it). Exhaustive: a new
         * {@link GrantEvent} does not compile until it is placed here.
         */
        public static Optional<Event> of(GrantEvent event) {
            return Optional.ofNullable(switch (event) {
                case GrantEvent.Requested e -> REQUESTED;
                case GrantEvent.ApprovalRecorded e -> APPROVED;
                case GrantEvent.Approved e -> APPROVED;
                case GrantEvent.Denied e -> DENIED;
                case GrantEvent.Cancelled e -> CANCELLED;
                case GrantEvent.TimedOut e -> TIMED_OUT;
                case GrantEvent.EmergencyOffered e -> EMERGENCY_OFFERED;
                case GrantEvent.GlassBroken e -> EMERGENCY;
                case GrantEvent.Activated e -> ACTIVE;
                case GrantEvent.ProvisioningFailed e -> FAILED;
                case GrantEvent.RolledBack e -> FAILED;
                case GrantEvent.CredentialsRevealed e -> null;
                case GrantEvent.ExpiryWarned e -> EXPIRING;
                case GrantEvent.ExtensionRequested e -> EXTENSION_REQUESTED;
                case GrantEvent.ExtensionApprovalRecorded e -> EXTENDED;
                case GrantEvent.Extended e -> EXTENDED;
                case GrantEvent.ExtensionFailed e -> EXTENSION_DENIED;
                case GrantEvent.ExtensionDenied e -> EXTENSION_DENIED;
                case GrantEvent.Expired e -> EXPIRED;
                case GrantEvent.Revoked e -> REVOKED;
                case GrantEvent.RevocationFailed f -> f.first() ? REVOCATION_FAILED : null;
                case GrantEvent.RevocationRecovered e -> REVOCATION_RECOVERED;
                case GrantEvent.RevocationResolved e -> REVOCATION_RESOLVED;
                case GrantEvent.PostMortemOpened e -> null;
                case GrantEvent.ReviewReminded r -> r.escalated() ? REVIEW_OVERDUE : null;
                case GrantEvent.ReviewWritten e -> REVIEW_WRITTEN;
                case GrantEvent.Reviewed e -> REVIEWED;
            });
        }

        /** Every policy name, comma separated, in vocabulary order. */
        public static String vocabulary() {
            return Arrays.stream(values()).map(Event::policyName).collect(Collectors.joining(", "));
        }
    }

    public NotifyTarget {
        if (channel == null || channel.isEmpty()) {
            throw InvalidPolicyException.at("channel", "channel is missing: the id of the notify channel, like C0MGMT");
        }
        Channels.requireChannelId(channel, List.of("channel"));
        if (events == null || events.isEmpty()) {
            throw InvalidPolicyException.at("events", "events is empty: list the events this channel gets, "
                    + "or leave events out for every event");
        }
        events = java.util.Collections.unmodifiableSet(EnumSet.copyOf(events));
    }

    /** A channel that gets every event. */
    public static NotifyTarget all(String channel) {
        return new NotifyTarget(channel, EnumSet.allOf(Event.class));
    }

    /** A channel that gets only {@code events}. */
    public static NotifyTarget only(String channel, Collection<Event> events) {
        return new NotifyTarget(channel, events == null ? null : Set.copyOf(events));
    }

    /** Whether this channel gets {@code event}. */
    public boolean accepts(Event event) {
        return events.contains(event);
    }
}
