package dev.breakglass.bot.adapter.mysql;

import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Random passwords for grant accounts: 32 characters from letters, digits and {@code -_.+}, starting with a letter,
 * with at least one upper-case letter, lower-case letter, digit and symbol, so that password-policy plugins
 * ({@code validate_password}, {@code simple_password_check}) accept them. About 190 bits of randomness. The symbols
 * need no quoting in SQL, shells or URLs.
 */
final class Passwords implements Supplier<String> {
    static final int LENGTH = 32;
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    private static final String DIGITS = "23456789";
    private static final String SYMBOLS = "-_.+";
    private static final String ALL = UPPER + LOWER + DIGITS + SYMBOLS;

    private final SecureRandom random = new SecureRandom();

    @Override
    public String get() {
        char[] p = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            p[i] = pick(ALL);
        }
        // One of each class, each in its own quarter so none overwrites another; position 0 stays a letter.
        p[0] = pick(UPPER + LOWER);
        p[1 + random.nextInt(7)] = pick(UPPER);
        p[8 + random.nextInt(8)] = pick(LOWER);
        p[16 + random.nextInt(8)] = pick(DIGITS);
        p[24 + random.nextInt(8)] = pick(SYMBOLS);
        return new String(p);
    }

    private char pick(String from) {
        return from.charAt(random.nextInt(from.length()));
    }
}
