package dev.breakglass.bot.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret that guards an HTTP endpoint as {@code Authorization: Bearer <token>} ({@code /audit/*}, {@code /metrics}).
 *
 * <p>Edge cases: a blank setting means no token ({@link #of} is empty); one shorter than {@value #MIN_LENGTH}
 * characters stops the start rather than guarding an endpoint with something guessable. The comparison hashes both
 * sides first, so it takes the same time wherever and however long they differ. A missing header, another scheme or
 * a wrong token are all just not admitted. The token is never in {@link #toString()} or any message.
 */
public final class BearerToken {
    /** The shortest token accepted. */
    public static final int MIN_LENGTH = 16;
    private static final Pattern BEARER = Pattern.compile("Bearer +(\\S+) *", Pattern.CASE_INSENSITIVE);

    private final byte[] digest;

    private BearerToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * The token configured in {@code variable}, or empty when it is blank.
     *
     * @throws InvalidConfigurationException when it is too short (naming the variable, not the value)
     */
    public static Optional<BearerToken> of(String variable, String configured) {
        if (configured == null || configured.isBlank()) {
            return Optional.empty();
        }
        if (configured.strip().length() < MIN_LENGTH) {
            throw new InvalidConfigurationException(variable + " is shorter than " + MIN_LENGTH
                    + " characters: use a long random value (e.g. openssl rand -hex 32)");
        }
        return Optional.of(new BearerToken(configured.strip()));
    }

    /** Whether an {@code Authorization} header value (may be null) carries this token. */
    public boolean admits(String authorization) {
        Matcher m = authorization == null ? null : BEARER.matcher(authorization);
        return m != null && m.matches() && MessageDigest.isEqual(digest, sha256(m.group(1)));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
