package dev.breakglass.bot.stepup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;

/**
 * An independent RFC 6238 code maker for tests (HMAC-SHA1, 30 s, 6 digits), written from the RFC, so the tests do
 * not check the bot's TOTP library against itself. {@code RfcVectorTest} checks it against the RFC's own vector.
 */
public final class Rfc6238 {
    private Rfc6238() {
    }

    /** The secret (Base32) in an {@code otpauth://} URI. */
    public static String secretOf(String otpauthUri) {
        for (String pair : URI.create(otpauthUri).getRawQuery().split("&")) {
            if (pair.startsWith("secret=")) {
                return pair.substring("secret=".length());
            }
        }
        throw new AssertionError("no secret in the otpauth URI");
    }

    /** The 6-digit code of a Base32 secret at {@code at}. */
    public static String code(String base32, Instant at) {
        return code(base32decode(base32), at.getEpochSecond() / 30, 6);
    }

    static String code(byte[] key, long step, int digits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int o = h[h.length - 1] & 0xf;
            int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
            int mod = (int) Math.pow(10, digits);
            return String.format(Locale.ROOT, "%0" + digits + "d", bin % mod);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] base32decode(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String clean = s.toUpperCase(Locale.ROOT).replace("=", "");
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
