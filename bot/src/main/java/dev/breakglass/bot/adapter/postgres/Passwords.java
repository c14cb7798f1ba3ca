package dev.breakglass.bot.adapter.postgres;

import org.postgresql.util.PasswordUtil;

import java.security.SecureRandom;

/**
 * Fresh passwords and what is sent to the server instead of them.
 *
 * <p>Passwords are 32 letters and digits (about 190 bits): nothing a shell, a connection string or a URL needs to
 * escape. The server is sent only the SCRAM-SHA-256 verifier, computed here (as {@code psql}'s {@code \password}
 * does): the plain password never crosses the wire and never appears in the server's log, even with
 * {@code log_statement = 'all'} or in the statement of a failed command. A verifier cannot be used to log in.
 */
final class Passwords {
    static final int LENGTH = 32;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** A new random password. Look-alike letters (I, l, O, o) are left out: people may have to type it. */
    static char[] random() {
        char[] password = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return password;
    }

    /** The {@code SCRAM-SHA-256$…} verifier of {@code password}, for {@code PASSWORD '…'}; {@code password} is kept. */
    static String verifier(char[] password) {
        // The driver wipes the array it hashes; the caller still has to hand the password out.
        char[] copy = password.clone();
        try {
            return PasswordUtil.encodeScramSha256(copy);
        } finally {
            java.util.Arrays.fill(copy, '\0');
        }
    }

    /** The verifier of a password that is made, used and forgotten here: nobody can ever log in with it. */
    static String unknowable() {
        char[] password = random();
        try {
            return verifier(password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}
