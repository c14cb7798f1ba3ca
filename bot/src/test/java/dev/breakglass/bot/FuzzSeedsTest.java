package dev.breakglass.bot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every {@code @FuzzTest} of both modules has a committed seed corpus where Jazzer looks for it
 * ({@code src/test/resources/<package>/<Class>Inputs/<method>/}): a corpus left behind when a test moves package
 * silently turns its regression run into a run of one empty input. The rule checks itself on a planted case.
 */
class FuzzSeedsTest {
    private static final Pattern FUZZ_METHOD = Pattern.compile("@FuzzTest\\s+(?:public\\s+)?void\\s+(\\w+)\\s*\\(");

    @Test
    void everyFuzzTestHasItsSeeds() throws IOException {
        List<String> missing = new ArrayList<>();
        int methods = 0;
        for (Path module : List.of(Path.of("."), Path.of("../commands"))) {
            Path tests = module.resolve("src/test/java");
            try (Stream<Path> files = Files.walk(tests)) {
                for (Path f : files.filter(p -> p.toString().endsWith("FuzzTest.java")).toList()) {
                    for (String method : fuzzMethods(Files.readString(f))) {
                        methods++;
                        Path seeds = seeds(module, tests.relativize(f), method);
                        if (!hasFiles(seeds)) {
                            missing.add(seeds.toString());
                        }
                    }
                }
            }
        }
        assertFalse(methods == 0, "no fuzz test found: the rule would pass on nothing");
        assertEquals(List.of(), missing, "fuzz tests without a committed seed corpus");
    }

    @Test
    void theRuleFindsAMethodAndWhereItsSeedsBelong() {
        assertEquals(List.of("anyBody", "other"), fuzzMethods("""
                @FuzzTest
                void anyBody(byte[] b) {}
                @Test void notThis() {}
                @FuzzTest public void other(FuzzedDataProvider d) {}
                """));
        assertEquals(Path.of("m/src/test/resources/a/b/XFuzzTestInputs/anyBody"),
                seeds(Path.of("m"), Path.of("a/b/XFuzzTest.java"), "anyBody"));
    }

    static List<String> fuzzMethods(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = FUZZ_METHOD.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static Path seeds(Path module, Path relativeSource, String method) {
        String name = relativeSource.getFileName().toString().replace(".java", "Inputs");
        Path pkg = relativeSource.getParent();
        return module.resolve("src/test/resources").resolve(pkg == null ? Path.of("") : pkg).resolve(name).resolve(method);
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }
}
