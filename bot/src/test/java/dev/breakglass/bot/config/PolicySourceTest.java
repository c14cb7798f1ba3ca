package dev.breakglass.bot.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order DESIGN.md promises: BREAKGLASS_POLICY, else ./breakglass.yml, else the built-in demo policy. */
class PolicySourceTest {
    @TempDir
    Path dir;

    private Path write(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.copy(PolicyLoaderTest.resource("valid-base.yml"), file);
        return file;
    }

    @Test
    void configuredFileComesFirst() throws IOException {
        write("breakglass.yml");
        Path configured = write("etc/policy.yml");
        PolicySource source = PolicyLoader.resolve(Optional.of(configured.toString()), dir);
        assertEquals(PolicySource.Origin.ENVIRONMENT, source.origin());
        assertEquals(Optional.of(configured), source.file());
        assertFalse(source.isDemo());
        assertEquals("policy file " + configured + " (from BREAKGLASS_POLICY)", source.describe());
    }

    @Test
    void configuredRelativePathIsFromTheWorkingDirectory() throws IOException {
        Path configured = write("etc/policy.yml");
        PolicySource source = PolicyLoader.resolve(Optional.of("etc/policy.yml"), dir);
        assertEquals(Optional.of(configured), source.file());
    }

    @Test
    void configuredFileThatIsMissingIsAnErrorNotAFallback() throws IOException {
        write("breakglass.yml");
        Path missing = dir.resolve("etc/missing.yml");
        PolicyException e = assertThrows(PolicyException.class,
                () -> PolicyLoader.resolve(Optional.of(missing.toString()), dir));
        assertEquals(missing.toString(), e.file());
        assertEquals(0, e.line());
        assertEquals(missing + ": does not exist (BREAKGLASS_POLICY names it); fix the path or unset BREAKGLASS_POLICY",
                e.getMessage());
    }

    @Test
    void configuredDirectoryIsAnError() {
        PolicyException e = assertThrows(PolicyException.class,
                () -> PolicyLoader.resolve(Optional.of(dir.toString()), dir));
        assertTrue(e.getMessage().startsWith(dir + ": is not a regular file"), e.getMessage());
    }

    @Test
    void configuredButBlankIsAnError() throws IOException {
        write("breakglass.yml");
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.resolve(Optional.of(" "), dir));
        assertEquals("BREAKGLASS_POLICY", e.file());
        assertTrue(e.getMessage().startsWith("BREAKGLASS_POLICY: is set but empty"), e.getMessage());
    }

    @Test
    void workingDirectoryFileIsNext() throws IOException {
        Path local = write("breakglass.yml");
        PolicySource source = PolicyLoader.resolve(Optional.empty(), dir);
        assertEquals(PolicySource.Origin.WORKING_DIRECTORY, source.origin());
        assertEquals(Optional.of(local), source.file());
        assertEquals("policy file " + local + " (from the working directory)", source.describe());
    }

    @Test
    void relativeWorkingDirectoryKeepsTheShortName() {
        // Path.of("") is the process's working directory; the message then says "breakglass.yml", as users wrote it
        Path local = Path.of("").resolve(PolicyLoader.DEFAULT_FILE_NAME);
        assertEquals("breakglass.yml", local.toString());
    }

    @Test
    void demoPolicyIsLast() {
        PolicySource source = PolicyLoader.resolve(Optional.empty(), dir);
        assertEquals(PolicySource.Origin.BUILT_IN_DEMO, source.origin());
        assertEquals(Optional.empty(), source.file());
        assertTrue(source.isDemo());
        assertTrue(source.describe().startsWith("built-in demo policy breakglass-demo.yml (built in)"),
                source.describe());
        assertEquals(new PolicyLoader().loadDemo(), new PolicyLoader().load(source));
    }

    @Test
    void otherFilesInTheWorkingDirectoryAreIgnored() throws IOException {
        write("breakglass.yaml");
        write("Breakglass.yml.bak");
        assertTrue(PolicyLoader.resolve(Optional.empty(), dir).isDemo());
    }

    @Test
    void workingDirectoryEntryThatIsNotAFileIsAnError() throws IOException {
        Files.createDirectory(dir.resolve("breakglass.yml"));
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.resolve(Optional.empty(), dir));
        assertEquals(dir.resolve("breakglass.yml") + ": is not a regular file", e.getMessage());
    }

    @Test
    void sourceKnowsWhetherItHasAFile() {
        assertThrows(IllegalArgumentException.class,
                () -> new PolicySource(PolicySource.Origin.BUILT_IN_DEMO, Optional.of(dir)));
        assertThrows(IllegalArgumentException.class,
                () -> new PolicySource(PolicySource.Origin.ENVIRONMENT, Optional.empty()));
    }
}
