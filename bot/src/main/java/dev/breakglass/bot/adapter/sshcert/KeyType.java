package dev.breakglass.bot.adapter.sshcert;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The type of the key pair made for each grant ({@code settings.key-type}).
 *
 * <p>Sizes are fixed, not settable: every private key must fit in one section of the Reveal modal (Slack allows
 * 3000 characters), which an RSA key of 3072 bits does (about 2600) and one of 4096 bits does not.
 */
enum KeyType {
    ED25519("ed25519", List.of("-t", "ed25519")),
    ECDSA("ecdsa", List.of("-t", "ecdsa", "-b", "256")),
    RSA("rsa", List.of("-t", "rsa", "-b", "3072"));

    private final String setting;
    private final List<String> arguments;

    KeyType(String setting, List<String> arguments) {
        this.setting = setting;
        this.arguments = arguments;
    }

    /** The name in the policy ({@code ed25519}, {@code ecdsa}, {@code rsa}). */
    String setting() {
        return setting;
    }

    /** ssh-keygen's arguments for this type and size. */
    List<String> arguments() {
        return arguments;
    }

    /** The type named {@code text} exactly as written in the policy (lower case); empty otherwise. */
    static Optional<KeyType> of(String text) {
        return Arrays.stream(values()).filter(t -> t.setting.equals(text)).findFirst();
    }

    /** The names, for messages. */
    static final String NAMES = "ed25519, ecdsa or rsa";
}
