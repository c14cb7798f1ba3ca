package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin account's privileges as {@code docs/adapters-mysql.md} lists them (MariaDB's names) are enough for the
 * whole cycle, and without the right to end other users' sessions revocation fails saying so.
 */
class MysqlAdminPrivilegesTest {
    private static MariaDb db;

    @BeforeAll
    static void server() {
        db = MariaDb.scratch();
    }

    @AfterAll
    static void cleanUp() {
        if (db != null) {
            db.close();
        }
    }

    private static List<String> documented(boolean mayKill) {
        String global = "GRANT CREATE USER, PROCESS" + (mayKill ? ", CONNECTION ADMIN" : "") + " ON *.* TO %s";
        return List.of(global,
                "GRANT SELECT ON mysql.user TO %s",
                "GRANT ALL PRIVILEGES ON `" + db.database.replace("_", "\\_") + "`.* TO %s WITH GRANT OPTION");
    }

    private static MysqlAdapter adapter(String admin) {
        return new MysqlAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of("PW",
                MariaDb.ADMIN_PASSWORD))).create("shop-db", db.settings(Map.of("admin-user", admin,
                "admin-password", "${PW}", "roles", Map.of("read-only", List.of("SELECT ON " + db.database + ".*"),
                        "admin", List.of("ALL ON " + db.database + ".*")))));
    }

    private static GrantRequest request(long n, String role) {
        return new GrantRequest(new GrantId(db.idBase + n), "shop-db", Optional.of(role), "U0ALICE",
                Optional.empty(), Clock.systemUTC().instant().plus(Duration.ofMinutes(5)), "INC-7 checking");
    }

    @Test
    void theDocumentedPrivilegesAreEnoughForGrantRevokeAndVerify() throws Exception {
        MysqlAdapter adapter = adapter(db.createAdmin(documented(true)));
        for (String role : List.of("read-only", "admin")) {
            GrantRequest request = request(role.length(), role);
            Provisioned p = adapter.grant(request);
            adapter.grant(request); // the retried grant: reset, revoke all, grant again
            Provisioned again = adapter.grant(request);
            var fields = again.credentials().orElseThrow().fields();
            Connection open = db.login(fields.get("username"), fields.get("password"));

            adapter.revoke(p.withoutCredentials());

            try (open; Statement s = open.createStatement()) {
                assertThrows(SQLException.class, () -> s.execute("SELECT 1"));
            }
            assertTrue(adapter.verifyRevoked(p.withoutCredentials()));
        }
    }

    @Test
    void withoutTheRightToEndSessionsRevokeFailsSayingWhatIsMissing() throws Exception {
        MysqlAdapter adapter = adapter(db.createAdmin(documented(false)));
        GrantRequest request = request(100, "read-only");
        Provisioned p = adapter.grant(request);
        var fields = p.credentials().orElseThrow().fields();
        try (Connection open = db.login(fields.get("username"), fields.get("password"))) {
            TargetException e = assertThrows(TargetException.class, () -> adapter.revoke(p.withoutCredentials()));

            assertTrue(e.getMessage().startsWith("mysql revoke " + request.id() + " on shop-db failed: ending session "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(the admin account needs CONNECTION ADMIN, CONNECTION_ADMIN or "
                    + "SUPER to end other users' sessions); the account was dropped, but its open sessions remain and "
                    + "may keep the privileges they had"), e.getMessage());
            assertEquals(List.of(), db.hosts(fields.get("username")));
            assertThrows(SQLException.class, () -> db.login(fields.get("username"), fields.get("password")).close());
            assertFalse(adapter.verifyRevoked(p.withoutCredentials()), "a session is still connected");
        }
        assertTrue(adapter.verifyRevoked(p.withoutCredentials()), "closed by its owner");
    }
}
