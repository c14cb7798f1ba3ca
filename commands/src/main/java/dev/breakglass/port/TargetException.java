package dev.breakglass.port;

/**
 * A target refused or failed an operation. The message is shown to people (requester, approvers, notify
 * channels) and stored in the audit trail, so it must say what went wrong without any secret.
 */
public class TargetException extends Exception {
    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
