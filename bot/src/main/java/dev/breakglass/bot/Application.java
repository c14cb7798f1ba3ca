package dev.breakglass.bot;

import io.micronaut.runtime.Micronaut;

/** Starts the bot: {@code java -jar bot/target/breakglass-bot.jar}. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(Application.class).start();
    }
}
