package dev.breakglass.bot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.breakglass.bot.architecture.cyclic.a.CallsB;
import dev.breakglass.bot.architecture.cyclic.a.Leaf;
import dev.breakglass.bot.architecture.cyclic.b.CallsA;
import dev.breakglass.bot.architecture.cyclic.b.UsesLeaf;
import dev.breakglass.bot.architecture.slack.inbound.Handler;
import dev.breakglass.bot.architecture.slack.outbound.AsksInbound;
import dev.breakglass.bot.architecture.slack.outbound.Poster;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bot's packages form no cycle: each package can be read, tested and moved knowing only the packages below
 * it. A package and its sub-packages are separate slices here ({@code adapter} and {@code adapter.webhook} are two),
 * so a sub-package that reaches back into its parent while the parent reaches into it is a cycle too.
 *
 * <p>The rule is checked against the bot's main classes, imported from where {@link Application} was loaded
 * ({@code target/classes}); {@link #cycleRuleCatchesACycle()} feeds it two test packages that use each other, so a
 * rule that silently matches nothing cannot pass. Within Slack, what we send never depends on what Slack sends us
 * ({@code slack.outbound} never uses {@code slack.inbound}): a posted message cannot reach back into a handler. The core's own rules (JDK only, injected clock) live in the
 * {@code commands} module's {@code dev.breakglass.ArchitectureTest}.
 */
class ArchitectureTest {

    static final ArchRule NO_PACKAGE_CYCLES = slices()
            .matching("dev.breakglass.bot.(**)")
            .should().beFreeOfCycles()
            .because("a package that needs its user back cannot be understood or changed on its own");

    static final ArchRule OUTBOUND_NEVER_USES_INBOUND = noClasses()
            .that().resideInAPackage("..slack.outbound..")
            .should().dependOnClassesThat().resideInAPackage("..slack.inbound..")
            .because("what the bot posts must not depend on how Slack's requests are handled");

    static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() throws URISyntaxException {
        Path classes = Path.of(Application.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        mainClasses = new ClassFileImporter().importPath(classes);
        assertTrue(mainClasses.contain(Application.class), "imported " + classes);
        assertFalse(mainClasses.contain(ArchitectureTest.class), "test classes must not be imported");
    }

    @Test
    void botPackagesHaveNoCycles() {
        NO_PACKAGE_CYCLES.check(mainClasses);
    }

    @Test
    void cycleRuleCatchesACycle() {
        EvaluationResult result = NO_PACKAGE_CYCLES.evaluate(
                new ClassFileImporter().importClasses(CallsA.class, CallsB.class));
        assertTrue(result.hasViolation(), "the rule should refuse two packages that use each other");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("architecture.cyclic.a") && report.contains("architecture.cyclic.b"), report);
    }

    @Test
    void cycleRuleAllowsAOneWayDependency() {
        EvaluationResult result = NO_PACKAGE_CYCLES.evaluate(new ClassFileImporter().importClasses(UsesLeaf.class, Leaf.class));
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }

    @Test
    void slackOutboundNeverUsesInbound() {
        OUTBOUND_NEVER_USES_INBOUND.check(mainClasses);
    }

    @Test
    void inboundRuleCatchesOutboundReachingBack() {
        EvaluationResult refused = OUTBOUND_NEVER_USES_INBOUND.evaluate(
                new ClassFileImporter().importClasses(AsksInbound.class, Handler.class, Poster.class));
        assertTrue(refused.hasViolation(), "the rule should refuse outbound using inbound");
        assertTrue(refused.getFailureReport().toString().contains("AsksInbound"), refused.getFailureReport().toString());
        EvaluationResult allowed = OUTBOUND_NEVER_USES_INBOUND.evaluate(
                new ClassFileImporter().importClasses(Handler.class, Poster.class));
        assertFalse(allowed.hasViolation(), allowed.getFailureReport().toString());
    }
}
