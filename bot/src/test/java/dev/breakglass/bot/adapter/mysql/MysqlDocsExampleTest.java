package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The complete policy in {@code docs/adapters-mysql.md} loads as a policy and every mysql target in it is accepted by
 * the factory, with a {@code settings.roles} entry for each policy role; and a server that is not there fails with
 * the address in the message, as the page shows.
 */
class MysqlDocsExampleTest {
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of(
            "SHOP_DB_ADMIN_PASSWORD", "shop-admin-pw", "REPORTS_DB_ADMIN_USER", "breakglass",
            "REPORTS_DB_ADMIN_PASSWORD", "reports-admin-pw"));

    @Test
    void theDocumentedPolicyIsValidAndEveryRoleHasGrants() throws Exception {
        Path file = Files.createTempFile("breakglass-mysql-example", ".yml");
        file.toFile().deleteOnExit();
        Files.writeString(file, exampleBlock(Files.readString(docs())));

        Policy policy = new PolicyLoader().load(file);

        MysqlAdapterFactory factory = new MysqlAdapterFactory(Clock.systemUTC(), ENV);
        List<TargetPolicy> mysql = policy.targets().values().stream().filter(t -> t.adapter().equals("mysql")).toList();
        assertEquals(2, mysql.size());
        for (TargetPolicy target : mysql) {
            MysqlSettings settings = factory.create(target.name(), target.settings()).settings();
            if (target.roles().isEmpty()) {
                assertTrue(settings.grantsFor(Optional.empty()).isPresent(), target.name());
            }
            for (String role : target.roles()) {
                assertTrue(settings.grantsFor(Optional.of(role)).isPresent(), target.name() + ":" + role);
            }
        }
        MysqlSettings shop = factory.create("shop-db", policy.targets().get("shop-db").settings()).settings();
        assertEquals("[SELECT ON shop.*, UPDATE ON shop.orders, INSERT, UPDATE ON shop.order_notes]",
                shop.roles().get("support").toString());
        assertEquals("10.20.%", shop.host());
    }

    @Test
    void aServerThatIsNotThereFailsNamingItsAddress() {
        Map<String, Object> settings = new HashMap<>(Map.of("url", "jdbc:mariadb://127.0.0.1:1/shop",
                "admin-user", "breakglass", "connect-timeout", "2s", "default-grants", List.of("SELECT ON shop.*")));
        MysqlAdapter adapter = new MysqlAdapterFactory(Clock.systemUTC(), ENV).create("shop-db", settings);
        GrantRequest request = new GrantRequest(new GrantId(7), "shop-db", Optional.empty(), "U0ALICE",
                Optional.empty(), Clock.systemUTC().instant().plus(Duration.ofMinutes(5)), "INC-42 checking");

        TargetException grant = assertThrows(TargetException.class, () -> adapter.grant(request));
        TargetException revoke = assertThrows(TargetException.class,
                () -> adapter.revoke(new Provisioned(request, "{}", Optional.empty())));
        TargetException verify = assertThrows(TargetException.class,
                () -> adapter.verifyRevoked(new Provisioned(request, "{}", Optional.empty())));

        assertTrue(grant.getMessage().startsWith("mysql grant BG-7 on shop-db failed: could not connect to "
                + "127.0.0.1:1 as breakglass: "), grant.getMessage());
        assertTrue(revoke.getMessage().startsWith("mysql revoke BG-7 on shop-db failed: could not connect to "
                + "127.0.0.1:1 as breakglass: "), revoke.getMessage());
        assertTrue(verify.getMessage().startsWith("mysql verify BG-7 on shop-db failed: could not connect to "
                + "127.0.0.1:1 as breakglass: "), verify.getMessage());
    }

    /** The first yaml block that is a whole policy (it has {@code channels:}). */
    private static String exampleBlock(String markdown) {
        Matcher m = Pattern.compile("```yaml\n(channels:.*?)```", Pattern.DOTALL).matcher(markdown);
        if (!m.find()) {
            throw new AssertionError("no complete policy example in docs/adapters-mysql.md");
        }
        return m.group(1);
    }

    private static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/adapters-mysql.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/adapters-mysql.md not found above " + Path.of("").toAbsolutePath());
    }
}
