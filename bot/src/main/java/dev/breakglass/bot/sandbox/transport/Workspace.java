package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.EmulatorState;

/**
 * What a {@link SlackDelivery} needs from the emulated workspace: its state (to build a payload as Slack would and to
 * act on the bot's answer), the trigger ids and response URLs Slack issues with each interaction, and a way to tell
 * watchers (the sandbox console) that something changed. The emulator is the one implementation; the interface keeps
 * the transports below it, so the emulator can own them without a cycle.
 */
public interface Workspace {
    EmulatorState state();

    /** A trigger id for {@code userId}, valid for three seconds as Slack's. */
    String issueTriggerId(String userId);

    /** A response URL for an interaction in {@code channelId}; {@code originalTs} names the message clicked, if any. */
    String issueResponseUrl(String channelId, String userId, String originalTs, boolean originalEphemeral);

    /** Something a watcher can see changed. */
    void changed();
}
