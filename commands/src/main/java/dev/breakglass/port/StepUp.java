package dev.breakglass.port;

import java.util.Objects;
import java.util.Optional;

/**
 * A second factor: what step-up asks for before an approval or a break glass counts. The bot ships time-based
 * one-time codes (RFC 6238); an organisation plugs in its own (a push to a phone, a hardware key) through a
 * {@link StepUpFactory} in the plugins folder.
 *
 * <p>Implementations keep whatever secret the factor needs sealed at rest and never put it in an exception
 * message, a log line or a {@link Check}. They decide only whether a code is right; how many failures lock a
 * person out, and what the people and the audit log are told, is the core's job
 * ({@code dev.breakglass.stepup.StepUpService}). Every method may be called from several threads and replicas.
 */
public interface StepUp {

    /** The factor's name, as the policy's {@code step-up.factor} names it: {@code totp}, or a plugin's. */
    String type();

    /** Whether {@code user} has a confirmed enrolment (an enrolment still waiting for its first code does not count). */
    boolean enrolled(String user);

    /**
     * Starts {@code user}'s enrolment, or starts it over while it is not confirmed yet (a new secret each time: the
     * old QR code stops working).
     *
     * @return what the person needs to set the factor up
     * @throws IllegalStateException when {@code user} is already enrolled (reset first)
     */
    Enrolment enrol(String user);

    /** Confirms the enrolment with the first code the person's factor shows; then {@link #enrolled} is true. */
    Check confirm(String user, String code);

    /**
     * Checks a code of an enrolled person. A code that passed once never passes again (replay), for this person,
     * on any replica.
     */
    Check verify(String user, String code);

    /** Forgets {@code user}'s enrolment, confirmed or not; false when there was none. */
    boolean reset(String user);

    /**
     * What a person needs to enrol.
     *
     * @param instructions what to do, for people (plain text); empty for a code factor that needs no words of its
     *                     own: the enrolment modal then says "scan the QR code…" from its template
     * @param otpauthUri   for code factors, the {@code otpauth://} URI that carries the secret: shown in the
     *                     enrolment modal only, as text and as a QR code, and nowhere else
     */
    record Enrolment(String instructions, Optional<String> otpauthUri) {
        public Enrolment {
            Objects.requireNonNull(instructions, "instructions");
            Objects.requireNonNull(otpauthUri, "otpauthUri");
        }

        /** Never the URI: it holds the secret. */
        @Override
        public String toString() {
            return "Enrolment[instructions=" + instructions + ", otpauthUri=" + otpauthUri.map(u -> "(hidden)")
                    .orElse("none") + "]";
        }
    }

    /** Whether a code passed. */
    sealed interface Check {
        /** The code is right, and was not used before. */
        record Passed() implements Check {
        }

        /** The code did not pass, and why (never the code or the secret). */
        record Failed(Failure why) implements Check {
            public Failed {
                Objects.requireNonNull(why, "why");
            }
        }
    }

    /** Why a code did not pass. */
    enum Failure {
        /** Not a code this person's factor made (typo, another account's code). */
        WRONG,
        /** A code this factor made, but for a time that has passed. */
        EXPIRED,
        /** A right code that was already used once. */
        REPLAYED,
        /** The person has no confirmed enrolment ({@link #verify}) or no enrolment started ({@link #confirm}). */
        NOT_ENROLLED
    }
}
