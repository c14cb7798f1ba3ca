package dev.breakglass.port;

/**
 * A target call got no answer in time, so its outcome is unknown: the target may have done what was asked. After a
 * {@link TargetAdapter#grant} this means access may exist although the call failed, so the bot takes it back
 * ({@link TargetAdapter#revoke} with the handle {@code {}}, the adapter finds the access by grant id) instead of
 * trusting "nothing was left half-made".
 */
public class TargetTimeoutException extends TargetException {
    public TargetTimeoutException(String message) {
        super(message);
    }
}
