package dev.breakglass.bot.adapter.webhook;

/** The {@code action} field of a webhook request (and the {@code command} adapter's first extra argument). */
public enum WebhookAction {
    GRANT("grant"),
    REVOKE("revoke"),
    VERIFY("verify"),
    EXTEND("extend");

    private final String wire;

    WebhookAction(String wire) {
        this.wire = wire;
    }

    /** The value on the wire, also used in messages and logs. */
    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
