package dev.breakglass.bot.config;

/**
 * A setting, the policy file or a template override is wrong. The message alone tells the operator what to
 * fix (which file, line, field or variable); the bot prints it and stops instead of showing a stack trace.
 */
public class InvalidConfigurationException extends RuntimeException {
    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
