package dev.breakglass.bot.adapter.command;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python program in {@code docs/adapters-command.md}, run as written through the adapter with the bot's real
 * environment rules, so the documentation cannot drift from the protocol. Skipped, with the reason, where
 * {@code python3} is not on the PATH.
 */
class CommandExampleTest {
    private static final GrantRequest REQUEST = new GrantRequest(new GrantId(7), "legacy-erp", Optional.of("admin"),
            "U0ALICE", Optional.of("alice@example.com"), Instant.now().plus(1, ChronoUnit.HOURS),
            "INC-42: invoices stuck");

    @TempDir
    Path dir;

    @Test
    void theDocumentedProgramWorksWithTheAdapter() throws Exception {
        assumeTrue(hasPython(), "python3 is not on the PATH: the documented program cannot run");
        Path program = dir.resolve("accounts-target");
        Files.writeString(program, pythonBlock(Files.readString(docs())));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        CommandAdapter adapter = new CommandAdapterFactory().create("legacy-erp", Map.of(
                "executable", program.toString(),
                "env", Map.of("ACCOUNTS_FILE", dir.resolve("accounts.json").toString())));

        Provisioned granted = adapter.grant(REQUEST);
        Provisioned again = adapter.grant(REQUEST);

        assertEquals("{\"user\":\"bg_7\"}", granted.handle());
        Credentials credentials = granted.credentials().orElseThrow();
        assertEquals("bg_7", credentials.fields().get("username"));
        assertEquals(credentials, again.credentials().orElseThrow(), "a retried grant gets the same account");
        Provisioned stored = granted.withoutCredentials();
        assertFalse(adapter.verifyRevoked(stored));

        adapter.revoke(stored);
        adapter.revoke(stored);

        assertTrue(adapter.verifyRevoked(stored));
        TargetException late = assertThrows(TargetException.class, () -> adapter.grant(REQUEST));
        assertTrue(late.getMessage().startsWith("command grant BG-7 on legacy-erp failed: exit code 1 (its stderr is "
                + "in the bot's log)"), late.getMessage());
    }

    private static String pythonBlock(String markdown) {
        int start = markdown.indexOf("```python\n");
        assertTrue(start >= 0, "docs/adapters-command.md has no python block");
        int from = start + "```python\n".length();
        return markdown.substring(from, markdown.indexOf("\n```", from) + 1);
    }

    /** docs/adapters-command.md, found from the module folder (where surefire runs) or the repository root. */
    private static Path docs() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/adapters-command.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/adapters-command.md not found above " + Path.of("").toAbsolutePath());
    }

    /** Whether {@code /usr/bin/env python3} finds a Python with only PATH and HOME, as the child will. */
    private static boolean hasPython() {
        try {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/env", "python3", "--version").redirectErrorStream(true);
            pb.environment().keySet().retainAll(java.util.Set.of("PATH", "HOME"));
            Process p = pb.start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
