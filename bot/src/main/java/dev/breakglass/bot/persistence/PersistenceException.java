package dev.breakglass.bot.persistence;

/** A database call failed; the message says what was being done, the cause carries the driver's error. */
public class PersistenceException extends RuntimeException {
    public PersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
