package dev.breakglass.bot.deploy;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.policy.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/policy.md against the real loader: every whole policy it shows loads, and every key the loader knows is
 * documented and used in the complete example.
 */
class PolicyDocTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern WHOLE_POLICY = Pattern.compile("(?m)^channels:[\\s\\S]*^targets:");

    private static String doc() throws IOException {
        return Files.readString(DeployFilesTest.repositoryRoot().resolve("docs/policy.md"));
    }

    /** The YAML blocks that are whole policies (fragments, which show one key, are left out). */
    private static List<String> wholePolicies(String doc) {
        List<String> out = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(doc);
        while (m.find()) {
            if (WHOLE_POLICY.matcher(m.group(1)).find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static String completeExample(String doc) {
        String section = doc.substring(doc.indexOf("## A complete example"));
        Matcher m = YAML_BLOCK.matcher(section);
        assertTrue(m.find(), "no yaml block under \"A complete example\"");
        return m.group(1);
    }

    @Test
    void everyWholePolicyInTheDocLoads() throws IOException {
        List<String> policies = wholePolicies(doc());
        assertEquals(2, policies.size(), "the smallest policy and the complete example");
        for (String yaml : policies) {
            new PolicyLoader().parse("docs/policy.md", yaml);
        }
    }

    @Test
    void theCompleteExampleUsesEveryKeyTheLoaderKnows() throws Exception {
        String doc = doc();
        String example = completeExample(doc);
        Policy policy = new PolicyLoader().parse("docs/policy.md", example);
        assertEquals(List.of("orders-db", "payments-admin", "status-page"), policy.targetNames());
        for (Map.Entry<String, List<String>> keys : knownKeys().entrySet()) {
            for (String key : keys.getValue()) {
                assertTrue(Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":").matcher(example).find(),
                        keys.getKey() + " key " + key + " is not in the complete example");
                assertTrue(doc.contains("`" + key + "`"), keys.getKey() + " key " + key + " is not documented");
            }
        }
    }

    /** The loader's own key lists (package-private in PolicyReader, read here so a new key cannot go undocumented). */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> knownKeys() throws ReflectiveOperationException {
        Class<?> reader = Class.forName("dev.breakglass.bot.config.PolicyReader");
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : List.of("TOP_KEYS", "CHANNEL_KEYS", "TARGET_KEYS", "EMERGENCY_KEYS", "JUSTIFICATION_KEYS",
                "REVIEW_KEYS")) {
            Field field = reader.getDeclaredField(name);
            field.setAccessible(true);
            out.put(name, (List<String>) field.get(null));
        }
        return out;
    }
}
