package dev.breakglass.bot.adapter.command;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings as the policy file gives them, checked when the bot starts, through the factory the bot uses. */
class CommandSettingsTest {
    private static final String SECRET = "tool-secret-do-not-print";
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of("TOOL_SECRET", SECRET,
            "PATH", "/usr/bin:/bin", "HOME", "/home/bot"));

    @TempDir
    Path dir;
    private Path executable;

    @BeforeEach
    void executable() throws IOException {
        executable = Files.writeString(dir.resolve("grant-access"), "#!/bin/bash\nexit 0\n");
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-x---"));
    }

    @Test
    void anExecutableIsEnoughDefaultsForTheRest() {
        CommandSettings s = parse(Map.of("executable", executable.toString()));

        assertEquals(executable, s.executable());
        assertEquals(List.of(), s.args());
        assertEquals(Duration.ofSeconds(30), s.timeout());
        assertEquals(Map.of(), s.env());
        assertEquals(Optional.empty(), s.workingDir());
    }

    @Test
    void everySettingIsRead() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("TOOL_TOKEN", "${TOOL_SECRET}");
        env.put("LITERAL", "${not a reference");
        env.put("DEBUG", false);
        CommandSettings s = parse(Map.of("executable", executable.toString(), "args", List.of("--env", "prod"),
                "timeout", "2m", "env", env, "working-dir", dir.toString()));

        assertEquals(List.of("--env", "prod"), s.args());
        assertEquals(Duration.ofMinutes(2), s.timeout());
        assertEquals(Map.of("TOOL_TOKEN", SECRET, "LITERAL", "${not a reference", "DEBUG", "false"), s.env());
        assertEquals(Optional.of(dir), s.workingDir());
        assertFalse(s.toString().contains(SECRET), s.toString());
    }

    @Test
    void theChildEnvironmentIsPathHomeAndEnv() {
        CommandAdapter a = new CommandAdapterFactory(ENV).create("ops-tool", Map.of("executable",
                executable.toString(), "env", Map.of("TOOL_TOKEN", "${TOOL_SECRET}")));

        assertEquals(List.of("HOME", "PATH", "TOOL_TOKEN"), a.environmentNames());
        assertFalse(a.toString().contains(SECRET));
    }

    @Test
    void badSettingsStopTheBotNamingTheSetting() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("plain"), "#!/bin/bash\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-------"));
        String exe = executable.toString();

        bad(Map.of("executable", exe, "shell", true), "settings.shell is not a command setting; the command adapter "
                + "reads executable, args, timeout, env, working-dir");
        bad(Map.of(), "settings.executable is missing: the absolute path of the program to run, e.g. "
                + "/usr/local/bin/grant-access");
        bad(Map.of("executable", 7), "settings.executable must be text, not a number");
        bad(Map.of("executable", "grant-access"),
                "settings.executable: \"grant-access\" is not an absolute path; the bot's working directory is no "
                        + "place to look for it");
        bad(Map.of("executable", dir.resolve("missing").toString()),
                "settings.executable: \"" + dir.resolve("missing") + "\" does not exist");
        bad(Map.of("executable", dir.toString()), "settings.executable: \"" + dir + "\" is not a file");
        bad(Map.of("executable", notExecutable.toString()), "settings.executable: \"" + notExecutable
                + "\" is not executable by the bot (chmod +x, and check the bot's user may run it)");
        bad(Map.of("executable", "${UNSET_EXE}"), "settings.executable: environment variable UNSET_EXE is not set");
        bad(Map.of("executable", exe, "args", "--env prod"),
                "settings.args must be a list, like [--cluster, prod], not text");
        bad(Map.of("executable", exe, "args", List.of("--x", Map.of())), "settings.args[1] must be text, not a map");
        bad(Map.of("executable", exe, "args", List.of("--token", "${TOOL_SECRET}")), "settings.args[1]: ${...} is "
                + "not resolved in arguments, because any user on the machine can read a process's arguments; pass "
                + "secrets through settings.env");
        bad(Map.of("executable", exe, "timeout", 30), "settings.timeout: 30 has no unit; write a number followed by "
                + "h, m or s, like 90s, 30m or 1h30m");
        bad(Map.of("executable", exe, "timeout", "soon"), "settings.timeout: \"soon\" is not a duration from 1s to 10m;"
                + " write a number followed by h, m or s, like 90s, 30m or 1h30m");
        bad(Map.of("executable", exe, "timeout", "11m"),
                "settings.timeout: \"11m\" is longer than 10m, the longest one run may take");
        bad(Map.of("executable", exe, "env", List.of("A=1")),
                "settings.env must be a map of NAME: value, not a list");
        bad(Map.of("executable", exe, "env", Map.of("1BAD", "x")), "settings.env: \"1BAD\" is not an environment "
                + "variable name; use letters, digits and _, not starting with a digit");
        bad(Map.of("executable", exe, "env", Map.of("TOKEN", List.of(SECRET))),
                "settings.env.TOKEN must be text, not a list");
        bad(Map.of("executable", exe, "env", Map.of("TOKEN", "${UNSET_TOKEN}")),
                "settings.env.TOKEN: environment variable UNSET_TOKEN is not set");
        bad(Map.of("executable", exe, "working-dir", "work"), "settings.working-dir: \"work\" is not an absolute "
                + "path; the bot's working directory is no place to look for it");
        bad(Map.of("executable", exe, "working-dir", exe), "settings.working-dir: \"" + exe + "\" is not a directory");
    }

    private static void bad(Map<String, Object> settings, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CommandAdapterFactory(ENV).create("ops-tool", settings), message);
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    private static CommandSettings parse(Map<String, Object> settings) {
        CommandSettings s = CommandSettings.parse(settings, ENV);
        assertTrue(s.executable().isAbsolute());
        return s;
    }
}
