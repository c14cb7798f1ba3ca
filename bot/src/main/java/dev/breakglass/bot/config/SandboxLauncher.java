package dev.breakglass.bot.config;

/**
 * Starts the built-in Slack emulator when no bot token is configured. Implemented by the sandbox package;
 * declared here so configuration does not depend on the sandbox.
 */
public interface SandboxLauncher {
    /** Starts the emulator (once) and returns how to reach it. */
    SlackEndpoint start();
}
