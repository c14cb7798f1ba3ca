package dev.breakglass.bot.adapter.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command adapter running real bash scripts: what they receive, and what their exits and output become. */
class CommandAdapterTest {
    private static final String PASSWORD = "pw-Zebra-42-do-not-leak";
    private static final String BOT_SECRET = "xoxb-bot-secret-do-not-pass-on";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "ops-tool", Optional.of("admin"),
            "U0ALICE", Optional.of("alice@example.com"), Instant.parse("2026-11-21T10:45:00.750Z"),
            "INC-42: \"queue\" stuck — café ☕ $(rm -rf /) `id`");

    @TempDir
    Path dir;

    @Test
    void stderrGoesOnlyToTheLogWithTheKnownSecretsMasked() throws Exception {
        String token = "tok-Quokka-77-secret-value";
        Path script = script("""
                echo "curl -H 'Authorization: Bearer $API_TOKEN' failed: 401" >&2
                exit 4
                """);
        Map<String, Object> settings = settings(script);
        settings.put("env", Map.of("API_TOKEN", token));
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CommandAdapter.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            CommandAdapter adapter = adapter(settings);
            Provisioned p = new Provisioned(REQUEST, "{}", Optional.empty());
            TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(p));

            assertEquals("command revoke BG-7 on ops-tool failed: exit code 4 (its stderr is in the bot's log)",
                    e.getMessage(), "what reaches Slack: the status and category, no stderr");
            List<String> lines = logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("stderr: curl -H 'Authorization: Bearer ***' failed: "
                    + "401")), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains(token)), lines.toString());
        } finally {
            logger.detachAppender(logs);
        }
    }

    // --- grant --------------------------------------------------------------------------------------------------

    @Test
    void grantRunsTheExecutableWithTheActionLastAndTheRequestOnStdin() throws Exception {
        Path script = script("""
                printf '%%s\\n' "$@" > "%1$s/args"
                cat > "%1$s/stdin"
                echo '{"handle": {"user": "bg_7"}, "credentials": {"username": "bg_7", "password": "%2$s", "port": 22}}'
                """.formatted(dir, PASSWORD));
        Map<String, Object> settings = settings(script);
        settings.put("args", List.of("--cluster", "prod", 3));

        Provisioned p = adapter(settings).grant(REQUEST);

        assertEquals(List.of("--cluster", "prod", "3", "grant"), Files.readAllLines(dir.resolve("args")));
        JsonNode stdin = JSON.readTree(dir.resolve("stdin").toFile());
        List<String> fields = new ArrayList<>();
        stdin.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("action", "grant_id", "target", "role", "user", "expires_at", "justification", "handle"),
                fields);
        assertEquals("grant", stdin.get("action").textValue());
        assertEquals("BG-7", stdin.get("grant_id").textValue());
        assertEquals("ops-tool", stdin.get("target").textValue());
        assertEquals("admin", stdin.get("role").textValue());
        assertEquals("U0ALICE", stdin.get("user").get("slack_id").textValue());
        assertEquals("alice@example.com", stdin.get("user").get("email").textValue());
        assertEquals("2026-11-21T10:45:00Z", stdin.get("expires_at").textValue());
        assertEquals(REQUEST.justification(), stdin.get("justification").textValue(), "passed as data, never run");
        assertTrue(stdin.get("handle").isNull());

        assertEquals("{\"user\":\"bg_7\"}", p.handle());
        assertEquals(List.of("bg_7", PASSWORD, "22"), new ArrayList<>(p.credentials().orElseThrow().fields().values()));
    }

    @Test
    void emptyStdoutIsNoHandleAndNoCredentials() throws Exception {
        Provisioned p = adapter(settings(script("exit 0\n"))).grant(REQUEST);

        assertEquals("{}", p.handle());
        assertEquals(Optional.empty(), p.credentials());
    }

    @Test
    void aFailedGrantShowsTheExitCodeButNeitherStderrNorStdoutAndIsUndone() throws Exception {
        Path script = script("""
                echo "$1" >> "%1$s/actions"
                cat > "%1$s/stdin-$1"
                if [ "$1" = grant ]; then
                  echo '{"credentials": {"password": "%2$s"}}'
                  printf '\\033[31mERROR\\033[0m: account exists\\nsecond line\\n\\n' >&2
                  for i in 1 2 3 4 5 6 7; do echo "more $i" >&2; done
                  exit 3
                fi
                """.formatted(dir, PASSWORD));

        TargetException e = assertThrows(TargetException.class, () -> adapter(settings(script)).grant(REQUEST));

        assertEquals("command grant BG-7 on ops-tool failed: exit code 3 (its stderr is in the bot's log); revoke was "
                + "run in case the command had granted access", e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        assertEquals(List.of("grant", "revoke"), Files.readAllLines(dir.resolve("actions")));
        JsonNode undo = JSON.readTree(dir.resolve("stdin-revoke").toFile());
        assertEquals("revoke", undo.get("action").textValue());
        assertEquals("{}", undo.get("handle").toString(), "revoke must work from grant_id alone");
    }

    @Test
    void unreadableStdoutFailsTheGrantWithoutShowingIt() throws Exception {
        Path script = script("""
                echo "$1" >> "%1$s/actions"
                [ "$1" = grant ] && echo '{"credentials": {"password": "%2$s"'
                exit 0
                """.formatted(dir, PASSWORD));

        TargetException e = assertThrows(TargetException.class, () -> adapter(settings(script)).grant(REQUEST));

        assertEquals("command grant BG-7 on ops-tool failed: the grant answer is not valid JSON (stdout is never "
                + "shown: it may hold credentials); revoke was run in case the command had granted access", e.getMessage());
        assertNull(e.getCause(), "a parser's message would quote the output");
        assertEquals(List.of("grant", "revoke"), Files.readAllLines(dir.resolve("actions")));
    }

    @Test
    void aNestedCredentialIsRefusedLikeTheWebhooks() throws Exception {
        Path script = script("""
                [ "$1" = grant ] && echo '{"credentials": {"db": {"password": "%s"}}}'
                exit 0
                """.formatted(PASSWORD));

        TargetException e = assertThrows(TargetException.class, () -> adapter(settings(script)).grant(REQUEST));

        assertTrue(e.getMessage().startsWith("command grant BG-7 on ops-tool failed: the grant answer's credential "
                + "\"db\" is not text, a number or a boolean"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void stdoutOverTheLimitFailsTheGrant() throws Exception {
        Path script = script("""
                [ "$1" = grant ] && head -c 2000000 /dev/zero | tr '\\0' 'a'
                exit 0
                """);

        TargetException e = assertThrows(TargetException.class, () -> adapter(settings(script)).grant(REQUEST));

        assertTrue(e.getMessage().startsWith("command grant BG-7 on ops-tool failed: its output on stdout is longer "
                + "than 1024 KiB; revoke was run"), e.getMessage());
    }

    @Test
    void aTimedOutRunIsKilledWithItsChildren() throws Exception {
        Path script = script("""
                echo "$1" >> "%1$s/actions"
                if [ "$1" = grant ]; then
                  echo 'provisioning…' >&2
                  sleep 60 &
                  echo $! > "%1$s/child"
                  wait
                fi
                """.formatted(dir));
        Map<String, Object> settings = settings(script);
        settings.put("timeout", "1s");

        TargetException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(TargetException.class, () -> adapter(settings).grant(REQUEST)));

        assertEquals("command grant BG-7 on ops-tool failed: timed out after 1s; the process and its children were "
                + "killed (its stderr is in the bot's log); revoke was run in case the command had granted access",
                e.getMessage());
        long child = Long.parseLong(Files.readString(dir.resolve("child")).strip());
        ProcessHandle.of(child).ifPresent(h -> h.onExit().join());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the sleep was killed too");
        assertEquals(List.of("grant", "revoke"), Files.readAllLines(dir.resolve("actions")));
    }

    @Test
    void aBackgroundProcessHoldingTheOutputOpenDoesNotHoldTheBot() throws Exception {
        Path script = script("""
                if [ "$1" = grant ]; then
                  sleep 30 &
                  echo $! > "%s/child"
                fi
                exit 0
                """.formatted(dir));
        Map<String, Object> settings = settings(script);
        settings.put("timeout", "1s");
        try {
            // The JDK closes a dead process's pipes itself unless a read is under way, so either outcome is fine;
            // waiting for the sleep is not.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    adapter(settings).grant(REQUEST);
                } catch (TargetException e) {
                    assertTrue(e.getMessage().startsWith("command grant BG-7 on ops-tool failed: exit code 0, but a "
                            + "process it started kept stdout or stderr open past 1s"), e.getMessage());
                }
            });
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("child")).strip()))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void anExecutableThatVanishedRunsNoUndo() throws Exception {
        Path script = script("exit 0\n");
        CommandAdapter adapter = adapter(settings(script));
        Files.delete(script);

        TargetException e = assertThrows(TargetException.class, () -> adapter.grant(REQUEST));

        assertTrue(e.getMessage().startsWith("command grant BG-7 on ops-tool failed: could not run " + script + ": "),
                e.getMessage());
        assertFalse(e.getMessage().contains("revoke"), e.getMessage());
    }

    // --- revoke and verify --------------------------------------------------------------------------------------

    @Test
    void revokeAndVerifySendTheStoredHandle() throws Exception {
        Path script = script("""
                cat > "%1$s/stdin-$1"
                case "$1" in
                  revoke) echo 'anything at all' ;;
                  verify) [ -e "%1$s/still-there" ] && echo '{"revoked": false}' || echo '{"revoked": true, "x": 1}' ;;
                esac
                """.formatted(dir));
        CommandAdapter adapter = adapter(settings(script));
        Provisioned p = new Provisioned(REQUEST, "{\"user\":\"bg_7\"}", Optional.empty());

        adapter.revoke(p);
        assertTrue(adapter.verifyRevoked(p));
        Files.writeString(dir.resolve("still-there"), "");
        assertFalse(adapter.verifyRevoked(p));

        for (String action : List.of("revoke", "verify")) {
            JsonNode stdin = JSON.readTree(dir.resolve("stdin-" + action).toFile());
            assertEquals(action, stdin.get("action").textValue());
            assertEquals("{\"user\":\"bg_7\"}", stdin.get("handle").toString());
        }
    }

    @Test
    void extendRunsTheExtendActionWithTheNewEndAndAFailureKeepsTheOldEnd() throws Exception {
        Path script = script("""
                cat > "%1$s/stdin-$1"
                [ "$1" = extend ] && [ -e "%1$s/refuse" ] && { echo 'no such account' >&2; exit 3; }
                exit 0
                """.formatted(dir));
        CommandAdapter adapter = adapter(settings(script));
        Provisioned p = new Provisioned(REQUEST, "{\"user\":\"bg_7\"}", Optional.empty());
        Instant newEnd = REQUEST.expiresAt().plusSeconds(1800);

        Provisioned moved = adapter.extend(p, newEnd);

        assertEquals(Extending.MOVES_THE_END, adapter.extending());
        JsonNode stdin = JSON.readTree(dir.resolve("stdin-extend").toFile());
        assertEquals("extend", stdin.get("action").textValue());
        assertEquals(DateTimeFormatter.ISO_INSTANT.format(newEnd.truncatedTo(ChronoUnit.SECONDS)),
                stdin.get("expires_at").textValue());
        assertEquals("{\"user\":\"bg_7\"}", stdin.get("handle").toString());
        assertEquals(newEnd, moved.request().expiresAt());
        assertEquals(Optional.empty(), moved.credentials());

        Files.writeString(dir.resolve("refuse"), "");
        String refused = assertThrows(TargetException.class, () -> adapter.extend(p, newEnd)).getMessage();
        assertTrue(refused.startsWith("command extend BG-7 on ops-tool failed: exit code 3"), refused);
    }

    @Test
    void aFailedRevokeOrAnUnclearVerifyIsAnError() throws Exception {
        Path script = script("""
                case "$1" in
                  revoke) echo 'cannot reach the database' >&2; exit 2 ;;
                  verify) echo '{"revoked": "true"}' ;;
                esac
                """);
        CommandAdapter adapter = adapter(settings(script));
        Provisioned p = new Provisioned(REQUEST, "{}", Optional.empty());

        assertEquals("command revoke BG-7 on ops-tool failed: exit code 2 (its stderr is in the bot's log)",
                assertThrows(TargetException.class, () -> adapter.revoke(p)).getMessage());
        assertEquals("command verify BG-7 on ops-tool failed: the verify answer has no boolean \"revoked\"; it must be "
                        + "{\"revoked\": true} or {\"revoked\": false} (stdout is never shown: it may hold credentials)",
                assertThrows(TargetException.class, () -> adapter.verifyRevoked(p)).getMessage());
    }

    // --- the child's environment --------------------------------------------------------------------------------

    @Test
    void theChildSeesOnlyPathHomeAndTheConfiguredVariables() throws Exception {
        Path script = script("tr '\\0' '\\n' < /proc/$$/environ > \"%s/env\"\n".formatted(dir));
        Map<String, Object> settings = settings(script);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("TOOL_TOKEN", "${CMD_TOKEN}");
        env.put("REGION", "eu-1");
        env.put("RETRIES", 3);
        settings.put("env", env);
        EnvironmentVariables bot = EnvironmentVariables.of(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/bot",
                "CMD_TOKEN", "tool-token-value", "SLACK_BOT_TOKEN", BOT_SECRET));

        new CommandAdapterFactory(bot).create("ops-tool", settings).grant(REQUEST);

        assertEquals(new TreeMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/bot",
                "TOOL_TOKEN", "tool-token-value", "REGION", "eu-1", "RETRIES", "3")), childEnv());
    }

    @Test
    void theRealBotEnvironmentIsNotPassedOn() throws Exception {
        Path script = script("tr '\\0' '\\n' < /proc/$$/environ > \"%s/env\"\n".formatted(dir));
        Map<String, Object> settings = settings(script);
        settings.put("env", Map.of("EXTRA", "1"));
        assertTrue(System.getenv().size() > 3, "this JVM has more variables than the child may see");

        new CommandAdapterFactory().create("ops-tool", settings).grant(REQUEST);

        Map<String, String> seen = childEnv();
        assertEquals(List.of("EXTRA", "HOME", "PATH"), new ArrayList<>(seen.keySet()));
        assertEquals(Optional.ofNullable(System.getenv("PATH")).orElse(CommandAdapterFactory.DEFAULT_PATH),
                seen.get("PATH"));
    }

    @Test
    void theWorkingDirectoryIsUsed() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Map<String, Object> settings = settings(script("pwd > \"%s/pwd\"\n".formatted(dir)));
        settings.put("working-dir", work.toString());

        adapter(settings).grant(REQUEST);

        assertEquals(work.toRealPath().toString(), Files.readString(dir.resolve("pwd")).strip());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private Map<String, String> childEnv() throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("env"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    private Path script(String body) throws IOException {
        Path file = Files.createTempFile(dir, "target-", ".sh");
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static Map<String, Object> settings(Path executable) {
        Map<String, Object> s = new HashMap<>();
        s.put("executable", executable.toString());
        s.put("timeout", "10s");
        return s;
    }

    private static CommandAdapter adapter(Map<String, Object> settings) {
        return new CommandAdapterFactory(EnvironmentVariables.of(Map.of("PATH", "/usr/bin:/bin", "HOME", "/tmp")))
                .create("ops-tool", settings);
    }

    private static void assertNull(Object value, String message) {
        org.junit.jupiter.api.Assertions.assertNull(value, message);
    }

    @SuppressWarnings("unused")
    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n"));
    }
}
