package dev.breakglass.bot.target.webhook;

/** The {@code action} field of a webhook request. */
enum WebhookAction {
    GRANT("grant"),
    REVOKE("revoke"),
    VERIFY("verify");

    private final String wire;

    WebhookAction(String wire) {
        this.wire = wire;
    }

    /** The value on the wire, also used in messages and logs. */
    String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
