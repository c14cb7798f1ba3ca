package dev.breakglass.bot.adapter;

import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.PluginJar;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party adapter as its author would ship it: compiled against the {@code commands} module alone, packed
 * in a jar with a {@code META-INF/services} entry, dropped into the plugins folder, found and used.
 */
class PluginTest {
    private static final String SOURCE = """
            package example.plugin;

            import dev.breakglass.port.*;
            import java.nio.file.*;
            import java.util.*;

            /** Marks access as a file named after the grant: present while granted. */
            public final class MarkerTargetFactory implements TargetAdapterFactory {
                public String type() { return "marker-file"; }

                public TargetAdapter create(String target, Map<String, Object> settings) {
                    Object dir = settings.get("dir");
                    if (dir == null) throw new IllegalArgumentException("settings.dir: required");
                    Path folder = Path.of(dir.toString());
                    return new TargetAdapter() {
                        Path marker(GrantRequest r) { return folder.resolve(r.id().toString()); }
                        public Provisioned grant(GrantRequest r) throws TargetException {
                            try { Files.writeString(marker(r), r.slackUserId()); }
                            catch (java.io.IOException e) { throw new TargetException("cannot write marker"); }
                            return new Provisioned(r, "{\\"marker\\":\\"" + r.id() + "\\"}", Optional.empty());
                        }
                        public void revoke(Provisioned p) throws TargetException {
                            try { Files.deleteIfExists(marker(p.request())); }
                            catch (java.io.IOException e) { throw new TargetException("cannot delete marker"); }
                        }
                        public boolean verifyRevoked(Provisioned p) { return !Files.exists(marker(p.request())); }
                    };
                }
            }
            """;

    @TempDir
    Path dir;

    /** Compiles the plugin against the SPI's jar or classes only, and packs it with its service entry. */
    private Path buildPlugin(Path plugins) throws Exception {
        return PluginJar.build(dir, plugins, "marker-plugin.jar", "example.plugin.MarkerTargetFactory", SOURCE,
                TargetAdapterFactory.class);
    }

    @Test
    void aPluginJarInThePluginsFolderIsLoadedAndUsedForTheWholeLoop() throws Exception {
        Path plugins = dir.resolve("plugins");
        buildPlugin(plugins);
        Path markers = Files.createDirectories(dir.resolve("markers"));
        String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\ntargets:\n"
                + "  legacy-app:\n    adapter: marker-file\n    max-duration: 1h\n    requesters: [U0ALICE]\n"
                + "    approvers: [U0BOB]\n    settings:\n      dir: " + markers + "\n";
        try (RunningBot bot = RunningBot.builder().policy(policy).property("breakglass.plugins", plugins.toString())
                .start().awaitHealthy(Duration.ofSeconds(20))) {
            Workflow flow = new Workflow(bot);
            GrantId id = flow.request(Workflow.ALICE, "legacy-app 30m the legacy app is down, need to restart it");
            flow.click(Workflow.BOB, flow.card(id), GrantCard.APPROVE, id);
            flow.awaitState(id, GrantState.ACTIVE);
            assertTrue(Files.exists(markers.resolve(id.toString())), "the plugin granted");
            assertEquals(java.util.Optional.of("{\"marker\":\"" + id + "\"}"), flow.grant(id).handle());

            String done = flow.command(Workflow.ALICE, "revoke " + id);
            assertTrue(done.startsWith("Access of " + id + " removed"), done);
            assertFalse(Files.exists(markers.resolve(id.toString())), "the plugin revoked");
        }
    }
}
