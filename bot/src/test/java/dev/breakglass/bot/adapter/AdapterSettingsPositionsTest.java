package dev.breakglass.bot.adapter;

import dev.breakglass.bot.config.AdapterSettingsException;
import dev.breakglass.bot.config.LoadedPolicy;
import dev.breakglass.bot.config.PolicyException;
import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.adapter.command.CommandAdapterFactory;
import dev.breakglass.bot.adapter.kubernetes.KubernetesAdapterFactory;
import dev.breakglass.bot.adapter.mysql.MysqlAdapterFactory;
import dev.breakglass.bot.adapter.postgres.PostgresAdapterFactory;
import dev.breakglass.bot.adapter.sandbox.SandboxTargetFactory;
import dev.breakglass.bot.adapter.sshcert.SshCertAdapterFactory;
import dev.breakglass.bot.adapter.webhook.Sleeper;
import dev.breakglass.bot.adapter.webhook.WebhookAdapterFactory;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.InvalidSettingException;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A setting an adapter refuses is reported like any other policy mistake: the file, the line where the setting is
 * written, and the field's full path — for every built-in adapter, and for a plugin that only says
 * {@code settings.<key>} in a plain {@link IllegalArgumentException}. The refusals go through the same
 * {@link LoadedPolicy#settingProblem} as {@link ConfiguredTargets} at start ({@code MisconfiguredTargetsTest} shows
 * the wiring on a running bot).
 */
class AdapterSettingsPositionsTest {
    private static final EnvironmentVariables ENV = EnvironmentVariables.of(Map.of("K8S_TOKEN", "not-a-token"));

    /** One target per adapter, each with one bad setting, marked by a comment that tells which line to expect. */
    private static final String POLICY = """
            channels:
              approvals: C0APPROVALS
            targets:
              orders-db:
                adapter: postgres
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  url: jdbc:postgresql://127.0.0.1:5432/orders
                  admin-user: breakglass_admin
                  default-role: orders_ro
                  connection-limit: 0          # postgres
              shop-db:
                adapter: mysql
                roles: [read-only]
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  url: jdbc:mariadb://127.0.0.1:3306/shop
                  admin-user: breakglass_admin
                  roles:
                    read-only:
                      - SELECT ON shop.*
                      - FLY ON shop.*            # mysql
              prod-cluster:
                adapter: kubernetes
                roles: [admin]
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  api-server: https://k8s.example.com:6443
                  token: ${K8S_TOKEN}
                  roles:
                    admin:
                      kind: Role                 # kubernetes
                      name: payments-admin
              prod-hosts:
                adapter: ssh-cert
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  ca-key: /etc/breakglass/ssh_ca
                  krl: /etc/breakglass/revoked.krl
                  principals: [ubuntu]
                  port: 70000                    # ssh-cert
              partner-api:
                adapter: webhook
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  url: https://hooks.example.com/breakglass
                  secret: a-secret-that-is-long-enough-for-the-check
                  retries: 11                    # webhook retries
              hook-without-url:
                adapter: webhook
                max-duration: 1h
                approvers: [U0BOB]
                settings:                        # webhook, missing url
                  secret: a-secret-that-is-long-enough-for-the-check
              legacy-erp:
                adapter: command
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  executable: /bin/sh
                  args:
                    - --instance
                    - ${ERP_PASSWORD}            # command
              demo:
                adapter: sandbox
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  colour: blue                   # sandbox
              partner-plugin:
                adapter: acme
                max-duration: 1h
                approvers: [U0BOB]
                settings:
                  endpoint: https://acme.example.com
                  port: 99999                    # plugin
            """;

    private static Path file;
    private static LoadedPolicy loaded;

    @BeforeAll
    static void writeAndReadThePolicy(@TempDir Path dir) throws Exception {
        file = Files.writeString(dir.resolve("breakglass.yml"), POLICY);
        loaded = new PolicyLoader().read(file);
    }

    @Test
    void postgres() {
        assertNamed("orders-db", new PostgresAdapterFactory(Clock.systemUTC(), ENV), "connection-limit",
                "# postgres", "settings.connection-limit: 0 is out of range");
    }

    @Test
    void mysqlNamesTheListEntry() {
        assertNamed("shop-db", new MysqlAdapterFactory(Clock.systemUTC(), ENV), "roles.read-only[1]", "# mysql",
                "settings.roles.read-only[1]: ");
    }

    @Test
    void kubernetesNamesTheNestedKey() {
        assertNamed("prod-cluster", new KubernetesAdapterFactory(ENV, s -> {
            throw new AssertionError("no client is made for settings that are refused");
        }), "roles.admin.kind", "# kubernetes", "settings.roles.admin.kind: a Role lives in a namespace");
    }

    @Test
    void sshCert() {
        assertNamed("prod-hosts", new SshCertAdapterFactory(Clock.systemUTC(), ENV, "ssh-keygen"), "port",
                "# ssh-cert", "settings.port: 70000 is not a port");
    }

    @Test
    void webhook() {
        assertNamed("partner-api", new WebhookAdapterFactory(Clock.systemUTC(), ENV, Sleeper.real()), "retries",
                "# webhook retries", "settings.retries: 11 is out of range");
    }

    @Test
    void aMissingSettingIsReportedAtItsSettingsKey() {
        assertNamed("hook-without-url", new WebhookAdapterFactory(Clock.systemUTC(), ENV, Sleeper.real()), "url",
                "# webhook, missing url", "settings.url is missing: the receiver's http(s) URL");
    }

    @Test
    void commandNamesTheArgument() {
        assertNamed("legacy-erp", new CommandAdapterFactory(ENV), "args[1]", "# command",
                "settings.args[1]: ${...} is not resolved in arguments");
    }

    @Test
    void sandbox() {
        assertNamed("demo", new SandboxTargetFactory(), "colour", "# sandbox",
                "settings.colour is not a sandbox setting; the sandbox adapter reads nothing");
    }

    @Test
    void aPluginThatSaysSettingsKeyInAPlainExceptionIsPlacedToo() {
        TargetAdapterFactory plugin = new TargetAdapterFactory() {
            @Override
            public String type() {
                return "acme";
            }

            @Override
            public TargetAdapter create(String target, Map<String, Object> settings) {
                throw new IllegalArgumentException("settings.port: " + settings.get("port") + " is out of range");
            }
        };
        assertNamed("partner-plugin", plugin, "port", "# plugin", "settings.port: 99999 is out of range");
    }

    @Test
    void aPluginThatNamesNoSettingIsPlacedAtItsSettingsKey() {
        AdapterSettingsException e = loaded.settingProblem("partner-plugin", "acme",
                new IllegalArgumentException("the endpoint did not answer"));
        assertEquals("targets.partner-plugin.settings", e.field());
        assertEquals(lineOf("partner-plugin:") + 4, e.line());
    }

    @Test
    void theBuiltInReaderSaysWhichSettingInTheException() {
        InvalidSettingException e = assertRefused(new WebhookAdapterFactory(Clock.systemUTC(), ENV,
                Sleeper.real()), "partner-api") instanceof InvalidSettingException invalid ? invalid : null;
        assertEquals("retries", e == null ? null : e.field());
    }

    private static void assertNamed(String target, TargetAdapterFactory factory, String setting, String marker,
                                    String adapterSaid) {
        IllegalArgumentException refusal = assertRefused(factory, target);
        AdapterSettingsException e = loaded.settingProblem(target, factory.type(), refusal);

        PolicyException asPolicyError = e;
        assertEquals(file.toString(), asPolicyError.file());
        assertEquals("targets." + target + ".settings." + setting, asPolicyError.field());
        assertEquals(lineOf(marker), asPolicyError.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("targets." + target + " (" + factory.type() + " adapter): "
                + adapterSaid), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (at " + file + " line " + lineOf(marker) + ")"), e.getMessage());
        assertFalse(e.getMessage().contains("a-secret-that-is-long-enough"), e.getMessage());
    }

    private static IllegalArgumentException assertRefused(TargetAdapterFactory factory, String target) {
        TargetPolicy policy = loaded.policy().targets().get(target);
        try {
            factory.create(target, policy.settings());
        } catch (IllegalArgumentException e) {
            return e;
        }
        return fail("the " + factory.type() + " adapter took the settings of " + target);
    }

    /** 1-based line of the only line of the policy that contains {@code marker}. */
    private static int lineOf(String marker) {
        List<String> lines = Arrays.asList(POLICY.split("\n"));
        List<Integer> at = java.util.stream.IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).contains(marker)).boxed().toList();
        assertEquals(1, at.size(), "marker " + marker + " at " + at);
        return at.get(0) + 1;
    }
}
