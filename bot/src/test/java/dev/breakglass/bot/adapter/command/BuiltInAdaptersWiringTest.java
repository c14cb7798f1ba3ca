package dev.breakglass.bot.adapter.command;

import dev.breakglass.bot.adapter.kubernetes.BoundRole;
import dev.breakglass.bot.adapter.kubernetes.KubernetesAdapter;
import dev.breakglass.bot.adapter.MeteredTarget;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The bot started with a policy file naming a {@code command} and a {@code kubernetes} target: both factories are
 * beans, and the settings arrive from YAML (nested maps and lists) in a shape they read. The kubernetes client
 * connects lazily, so no cluster is needed.
 */
class BuiltInAdaptersWiringTest {
    @TempDir
    Path dir;

    @Test
    void aPolicyNamingBothAdaptersStartsTheBot() throws Exception {
        Path script = Files.writeString(dir.resolve("erp-access"), """
                #!/bin/bash
                echo '{"handle": {"account": "bg_7"}}'
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: prod, cluster: {server: "https://k8s.example.com:6443"}}]
                users: [{name: bot, user: {token: not-a-real-token}}]
                contexts: [{name: prod, context: {cluster: prod, user: bot}}]
                current-context: prod
                """);
        String policy = """
                channels:
                  approvals: C0APPROVALS
                  notify: [C0SECURITY]
                targets:
                  legacy-erp:
                    description: ERP admin through its CLI
                    adapter: command
                    max-duration: 1h
                    approvers: [U0BOB]
                    settings:
                      executable: %s
                      args: [--instance, prod, 2]
                      timeout: 5s
                      env: {ERP_URL: "https://erp.example.com", RETRIES: 3}
                  prod-cluster:
                    description: Production cluster
                    adapter: kubernetes
                    roles: [read-only, admin]
                    max-duration: 1h
                    approvers: [U0BOB]
                    settings:
                      api-server: https://k8s.example.com:6443
                      kubeconfig: %s
                      namespace: payments
                      roles:
                        read-only: {kind: ClusterRole, name: view}
                        admin: {kind: Role, name: payments-admin}
                      user: "prefix:oidc:"
                      groups: [sre-breakglass]
                """.formatted(script, kubeconfig);

        try (RunningBot bot = RunningBot.builder().policy(policy).start()) {
            TargetRegistry targets = bot.bean(TargetRegistry.class);

            CommandAdapter erp = assertInstanceOf(CommandAdapter.class,
                    ((MeteredTarget) targets.adapter("legacy-erp").orElseThrow()).delegate());
            assertEquals(List.of("--instance", "prod", "2"), erp.settings().args());
            assertEquals(Duration.ofSeconds(5), erp.settings().timeout());
            assertEquals(Map.of("ERP_URL", "https://erp.example.com", "RETRIES", "3"), erp.settings().env());
            assertEquals("{\"account\":\"bg_7\"}", erp.grant(new GrantRequest(new GrantId(7), "legacy-erp",
                    Optional.empty(), "U0ALICE", Optional.empty(), Instant.now(), "INC-42: invoices")).handle());

            TargetAdapter cluster = ((MeteredTarget) targets.adapter("prod-cluster").orElseThrow()).delegate();
            KubernetesAdapter k8s = assertInstanceOf(KubernetesAdapter.class, cluster);
            assertEquals(new BoundRole(BoundRole.Kind.ROLE, "payments-admin"), k8s.settings().roles().get("admin"));
            assertEquals(List.of("sre-breakglass"), k8s.settings().groups());
            assertEquals(Optional.of("payments"), k8s.settings().namespace());
        }
    }
}
