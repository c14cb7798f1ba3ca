package dev.breakglass.grant;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A reply in the words users read: a named reply rendered from the shipped template its key names
 * ({@code templates/reply-<area>.mustache}, by the same engine and settings as the bot's plain text), any other reply
 * as {@link Reply#plain()}. People show as {@code @id}. For the core's tests, which assert on words while the core
 * itself holds none.
 */
public final class ShippedWords {
    private static final Path TEMPLATES = Path.of("../templates");
    private static final Mustache.Compiler COMPILER = Mustache.compiler().withEscaper(Escapers.NONE)
            .emptyStringIsFalse(true);

    private ShippedWords() {
    }

    /** What the person reads for {@code reply}. */
    public static String of(Reply reply) {
        if (!reply.isNamed()) {
            return reply.plain();
        }
        Map<String, Object> data = new HashMap<>(reply.values(java.util.function.Function.identity(), id -> "@" + id, ShippedWords::of));
        data.put(reply.section(), true);
        try {
            String template = Files.readString(TEMPLATES.resolve(reply.template() + ".mustache"), StandardCharsets.UTF_8);
            String said = COMPILER.compile(template).execute(data).strip();
            if (said.isEmpty()) {
                throw new AssertionError("template " + reply.template() + " has no section " + reply.section());
            }
            return said;
        } catch (IOException e) {
            throw new UncheckedIOException("no shipped template for " + reply.key(), e);
        }
    }
}
