package dev.breakglass.bot.sandbox.transport;

/** The bot could not be reached, or did not answer within the timeout. */
public final class SlackDeliveryException extends RuntimeException {
    public SlackDeliveryException(String message) {
        super(message);
    }

    public SlackDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
