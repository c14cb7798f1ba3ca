package dev.breakglass.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adding a {@code GrantEvent} without handling it does not compile: every place that says what an event means (its
 * notify kind, its audit entry, the requester's message, the notify line, the card, whether Homes change, whether a
 * checkpoint is due, the revocation-lag metric) is an exhaustive {@code switch} over the
 * sealed type. Shown by compiling those sources with the real {@code GrantEvent} (it compiles) and with one that has
 * a new record (each of them fails, naming the switch that does not cover it).
 */
class ExhaustiveEventsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String EVENT = "commands/src/main/java/dev/breakglass/event/GrantEvent.java";
    /** Every listener of events that must decide something per kind. */
    private static final List<String> LISTENERS = List.of(
            "commands/src/main/java/dev/breakglass/policy/NotifyTarget.java",
            "bot/src/main/java/dev/breakglass/bot/audit/AuditRecorder.java",
            "bot/src/main/java/dev/breakglass/bot/slack/outbound/RequesterMessages.java",
            "bot/src/main/java/dev/breakglass/bot/slack/outbound/ApprovalCard.java",
            "bot/src/main/java/dev/breakglass/bot/slack/outbound/AppHomeRefresher.java",
            "bot/src/main/java/dev/breakglass/bot/audit/AuditCheckpoints.java",
            "bot/src/main/java/dev/breakglass/bot/events/GrantMetrics.java",
            "bot/src/main/java/dev/breakglass/bot/slack/outbound/NotifyChannels.java");

    @TempDir
    Path dir;

    /** Compiles each listener on its own with this GrantEvent source; the files that had errors, by name. */
    private Set<String> filesWithErrors(String grantEventSource) throws IOException {
        return filesWithErrors(grantEventSource, LISTENERS);
    }

    /** {@link #filesWithErrors(String)} for these sources ({@code List.of(EVENT)}: the event on its own). */
    private Set<String> filesWithErrors(String grantEventSource, List<String> listeners) throws IOException {
        Path event = dir.resolve("src/dev/breakglass/event/GrantEvent.java");
        Files.createDirectories(event.getParent());
        Files.writeString(event, grantEventSource);
        Path out = Files.createDirectories(dir.resolve("out"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Set<String> failed = new TreeSet<>();
        for (String listener : listeners) {
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
                boolean ok = javac.getTask(null, files, diagnostics, List.of("-proc:none", "-d", out.toString(),
                        "-cp", System.getProperty("java.class.path"), "--release", "21"), null,
                        files.getJavaFileObjectsFromPaths(listener.equals(EVENT) ? List.of(event)
                                : List.of(event, ROOT.resolve(listener)))).call();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        failed.add(Path.of(d.getSource().getName()).getFileName().toString());
                        assertTrue(d.getMessage(null).contains("cover all possible input values"), d.toString());
                    }
                }
                assertEquals(ok, !failed.contains(Path.of(listener).getFileName().toString()),
                        diagnostics.getDiagnostics().toString());
            }
        }
        return failed;
    }

    @Test
    void theListenersCompileWithTheEventsAsTheyAre() throws IOException {
        assertEquals(Set.of(), filesWithErrors(Files.readString(ROOT.resolve(EVENT))));
    }

    @Test
    void aNewEventThatNoListenerHandlesFailsToCompileInEachOfThem() throws IOException {
        String source = Files.readString(ROOT.resolve(EVENT));
        int end = source.lastIndexOf('}');
        String added = source.substring(0, end) + "\n    /** A new kind nobody handles yet. */\n"
                + "    record Teleported(Grant grant) implements GrantEvent {}\n}\n";
        Set<String> every = new TreeSet<>();
        LISTENERS.forEach(listener -> every.add(Path.of(listener).getFileName().toString()));
        assertEquals(8, every.size(), "each listener is a file of its own");
        // The event's own actor() is exhaustive too: a new kind says who causes it where it is declared.
        assertEquals(Set.of("GrantEvent.java"), filesWithErrors(added, List.of(EVENT)));
        String last = "            case Reviewed e -> Actor.person(e.by());\n";
        assertTrue(added.contains(last), "GrantEvent.actor() ends with Reviewed");
        String told = added.replace(last, last + "            case Teleported e -> Actor.bot(\"teleport\");\n");
        assertEquals(Set.of(), filesWithErrors(told, List.of(EVENT)));
        assertEquals(every, filesWithErrors(told));
    }
}
