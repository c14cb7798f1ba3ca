package dev.breakglass.bot.testing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import com.slack.api.util.json.GsonFactory;

/** Block Kit as Slack receives it (snake case JSON), pretty printed and unescaped, for golden files. */
public final class BlocksText {
    private BlocksText() {
    }

    public static String of(Object blocks) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(JsonParser.parseString(GsonFactory.createSnakeCase().toJson(blocks)));
    }
}
