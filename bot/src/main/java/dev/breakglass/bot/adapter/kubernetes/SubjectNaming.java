package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.TargetException;

import java.util.Locale;
import java.util.Objects;

/**
 * How the requester is named as the binding's {@code User} subject ({@code settings.user}). Kubernetes compares
 * names exactly, so this must match what the API server's authenticator reports for that person (the OIDC
 * {@code email} claim, a certificate's CN, …).
 *
 * <p>Edge cases: {@link Email} refuses a grant whose requester has no email in Slack, rather than binding a
 * guessed name; neither form ever yields a name under {@code system:} (Kubernetes' own users).
 */
public sealed interface SubjectNaming permits SubjectNaming.Email, SubjectNaming.Prefix {

    /** Kubernetes' reserved prefix for its own users and groups. */
    String RESERVED = "system:";

    /**
     * The user name for this grant.
     *
     * @throws TargetException when the name cannot be made (no email), with a message saying how to fix it
     */
    String userName(GrantRequest request, String target) throws TargetException;

    /**
     * Reads {@code email} or {@code prefix:<p>}.
     *
     * @throws IllegalArgumentException naming {@code settings.user} for anything else
     */
    static SubjectNaming parse(String text) {
        if (text.equals("email")) {
            return new Email();
        }
        if (text.startsWith("prefix:")) {
            return new Prefix(text.substring("prefix:".length()));
        }
        throw new IllegalArgumentException("settings.user: \"" + cut(text) + "\" is not a way to name users; "
                + "write email (the default: the requester's email from Slack) or prefix:<p> (p + the Slack user id, "
                + "e.g. \"prefix:slack:\", quoted)");
    }

    /** The requester's email address from their Slack profile, as Slack gives it. */
    record Email() implements SubjectNaming {
        @Override
        public String userName(GrantRequest request, String target) throws TargetException {
            String email = request.email().map(String::strip).orElse("");
            if (email.isEmpty()) {
                throw new TargetException("kubernetes grant " + request.id() + " on " + target + " refused: the "
                        + "target names Kubernetes users by email, and Slack has no email for " + request.slackUserId()
                        + "; add one to the Slack profile (or make the bot's token able to read it: users:read.email)");
            }
            if (!KubernetesNames.isSubjectName(email) || email.toLowerCase(Locale.ROOT).startsWith(RESERVED)
                    || email.indexOf('@') < 1) {
                throw new TargetException("kubernetes grant " + request.id() + " on " + target + " refused: the "
                        + "email Slack has for " + request.slackUserId() + " cannot be a Kubernetes user name");
            }
            return email;
        }

        @Override
        public String toString() {
            return "email";
        }
    }

    /**
     * {@code prefix} followed by the Slack user id, e.g. {@code slack:U0ALICE}, for clusters whose authenticator
     * names people that way (an OIDC {@code sub} claim with a prefix, an authenticating proxy).
     *
     * @param prefix not blank, no control characters, not under {@code system:}
     */
    record Prefix(String prefix) implements SubjectNaming {
        public Prefix {
            Objects.requireNonNull(prefix, "prefix");
            if (!KubernetesNames.isSubjectName(prefix) || prefix.length() > 200) {
                throw new IllegalArgumentException("settings.user: prefix:<p> needs a prefix p of up to 200 "
                        + "characters without control characters, e.g. prefix:slack:");
            }
            if (prefix.toLowerCase(Locale.ROOT).startsWith(RESERVED)) {
                throw new IllegalArgumentException("settings.user: the prefix \"" + cut(prefix) + "\" starts with "
                        + "system:, which Kubernetes reserves for its own users");
            }
        }

        @Override
        public String userName(GrantRequest request, String target) {
            return prefix + request.slackUserId();
        }

        @Override
        public String toString() {
            return "prefix:" + prefix;
        }
    }

    private static String cut(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
