package dev.breakglass.bot.slack.render;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.breakglass.bot.config.InvalidConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The message templates: {@code <name>.mustache} from the override folder when it has one, else the built-in
 * copy from {@code templates/} (packed into the jar).
 *
 * <p>Edge cases: {@code {{value}}} is escaped for Slack mrkdwn (not HTML), {@code {{{value}}}} is not and is
 * only for text the bot itself built and escaped; a variable a template names but the data lacks is an
 * error, not an empty string, so a typo in an override shows at start instead of in an incident.
 */
public final class Templates {
    private final Optional<Path> overrides;
    private final Mustache.Compiler compiler = Mustache.compiler()
            .withEscaper(SlackText::escape)
            .emptyStringIsFalse(true);
    /** For plain_text (buttons, titles, notification fallbacks): Slack shows it as typed, so nothing is escaped. */
    private final Mustache.Compiler plainCompiler = compiler.withEscaper(Escapers.NONE);
    private final Map<String, Template> compiled = new ConcurrentHashMap<>();
    private final Map<String, Template> compiledPlain = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> sections = new ConcurrentHashMap<>();
    private final java.util.Set<String> checkedLikeBuiltIn = ConcurrentHashMap.newKeySet();

    /**
     * @param overrides folder of user templates; must exist when given
     * @param names     templates compiled right away, so a broken override stops the start
     * @throws TemplateException naming the file when a folder or template is unusable
     */
    public Templates(Optional<Path> overrides, Collection<String> names) {
        this.overrides = overrides;
        overrides.ifPresent(dir -> {
            if (!Files.isDirectory(dir)) {
                throw new TemplateException("BREAKGLASS_TEMPLATES is not a folder: " + dir);
            }
        });
        names.forEach(this::template);
    }

    /** Renders template {@code name} with {@code data} (records, maps and lists all work). */
    public String render(String name, Object data) {
        return render(name, data, false);
    }

    /**
     * Renders template {@code name} as plain text, nothing escaped: for Slack's {@code plain_text} objects (buttons,
     * dialog and modal titles, the text fallback of a message), where Slack shows the text as typed and cannot ping.
     */
    public String plain(String name, Object data) {
        return render(name, data, true);
    }

    private String render(String name, Object data, boolean plain) {
        try {
            return template(name, plain).execute(data);
        } catch (MustacheException e) {
            throw new TemplateException("template " + source(name) + ": " + e.getMessage(), e);
        }
    }

    /**
     * One message of a template that holds several, each in a section named by its flag (like
     * {@code requester-headline.mustache}): renders {@code name} with {@code args} and {@code flag} set, trimmed.
     *
     * @throws TemplateException when the template says nothing for {@code flag} (a section missing from an override)
     */
    public String say(String name, String flag, Map<String, ?> args) {
        return say(name, flag, args, false);
    }

    /** {@link #say} as plain text (see {@link #plain}). */
    public String sayPlain(String name, String flag, Map<String, ?> args) {
        return say(name, flag, args, true);
    }

    private String say(String name, String flag, Map<String, ?> args, boolean plain) {
        for (String arg : args.keySet()) {
            if (sections(name).contains(arg)) { // it would open that section too: two messages in one
                throw new TemplateException("template " + source(name) + ": the variable " + arg
                        + " has the name of a section");
            }
        }
        Map<String, Object> data = new java.util.HashMap<>(args);
        data.put(flag, true);
        String said = render(name, data, plain).strip();
        if (said.isEmpty()) {
            throw new TemplateException("template " + source(name) + " has no section {{#" + flag + "}}");
        }
        return said;
    }

    /** Template data from name, value pairs: {@code vars("id", "BG-7", "by", mention)}. */
    public static Map<String, Object> vars(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> data = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            data.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return data;
    }

    /**
     * Checks at start that template {@code name} says something for every flag with every variable set, so an
     * override with a misspelt variable or a missing section stops the start rather than a message in an incident.
     */
    public void check(String name, Collection<String> flags, Collection<String> variables) {
        Map<String, Object> data = new java.util.HashMap<>();
        variables.forEach(v -> data.put(v, "x"));
        flags.forEach(f -> say(name, f, data));
    }

    /**
     * {@link #check} for a template whose sections and variables are those of its built-in copy (the core's replies,
     * whose keys live in Java): every built-in section must still say something in an override, and the override may
     * use no variable the built-in copy does not.
     */
    public void checkLikeBuiltIn(String name) {
        if (checkedLikeBuiltIn.contains(name)) {
            return; // templates do not change after start: each renderer that asks gets the one check
        }
        Template builtIn;
        try {
            builtIn = compiler.compile(builtIn(name + ".mustache"));
        } catch (MustacheException e) {
            throw new TemplateException("built-in " + name + ".mustache does not compile: " + e.getMessage(), e);
        }
        java.util.Set<String> outer = names(builtIn, false);
        java.util.Set<String> inner = new java.util.LinkedHashSet<>(names(builtIn, true));
        inner.removeAll(outer);
        check(name, outer, inner);
        checkedLikeBuiltIn.add(name);
    }

    /** The section names of {@code template}: only the outermost, or (deep) every section's and variable's name. */
    private static java.util.Set<String> names(Template template, boolean deep) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        template.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {
            }

            @Override
            public void visitVariable(String variable) {
                if (deep) {
                    found.add(variable);
                }
            }

            @Override
            public boolean visitInclude(String include) {
                return false;
            }

            @Override
            public boolean visitSection(String section) {
                found.add(section);
                return deep;
            }

            @Override
            public boolean visitInvertedSection(String section) {
                if (deep) {
                    found.add(section);
                }
                return deep;
            }
        });
        return found;
    }

    private Template template(String name) {
        return template(name, false);
    }

    /** The names of the outermost sections of template {@code name}. */
    private java.util.Set<String> sections(String name) {
        // only the outermost: a section inside a message may share a variable's name
        return sections.computeIfAbsent(name, n -> java.util.Set.copyOf(names(template(n), false)));
    }

    private Template template(String name, boolean plain) {
        return (plain ? compiledPlain : compiled).computeIfAbsent(name, n -> {
            try {
                return (plain ? plainCompiler : compiler).compile(read(n));
            } catch (MustacheException e) {
                throw new TemplateException("template " + source(n) + " does not compile: " + e.getMessage(), e);
            }
        });
    }

    private String source(String name) {
        return overrides.map(d -> d.resolve(name + ".mustache"))
                .filter(Files::isRegularFile)
                .map(Path::toString)
                .orElse("built-in " + name + ".mustache");
    }

    private String read(String name) {
        String file = name + ".mustache";
        try {
            if (overrides.isPresent() && Files.isRegularFile(overrides.get().resolve(file))) {
                return Files.readString(overrides.get().resolve(file), StandardCharsets.UTF_8);
            }
            return builtIn(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file, e);
        }
    }

    /** The built-in copy of {@code file}, packed into the jar. */
    private static String builtIn(String file) {
        try (InputStream in = Templates.class.getResourceAsStream("/templates/" + file)) {
            if (in == null) {
                throw new TemplateException("no template named " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file, e);
        }
    }

    /** A template cannot be found, read, compiled or rendered. */
    public static class TemplateException extends InvalidConfigurationException {
        public TemplateException(String message) {
            super(message);
        }

        public TemplateException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
