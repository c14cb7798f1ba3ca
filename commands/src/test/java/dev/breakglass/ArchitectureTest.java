package dev.breakglass;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.breakglass.command.CommandParser;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's dependency rule: {@code commands} depends on the JDK only, so that the bot and third-party adapters
 * build on a core with no framework in it, and the core never reads the clock itself (time is injected).
 *
 * <p>The rules are checked against the commands module's main classes, imported from where
 * {@link CommandParser} was loaded ({@code target/classes}); the other tests show each rule does catch a
 * violation, so a rule that silently matches nothing cannot pass.
 */
class ArchitectureTest {

    static final ArchRule JDK_ONLY = noClasses()
            .that().resideInAPackage("dev.breakglass..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.micronaut..", "com.slack..", "java.sql..", "javax.sql..", "org.quartz..", "jakarta..",
                    "com.fasterxml..", "org.yaml..")
            .because("commands depends on the JDK only (DESIGN.md, Modules)");

    static final ArchRule CLOCK_INJECTED = noClasses()
            .that().resideInAPackage("dev.breakglass..")
            .should().callMethod(Instant.class, "now")
            .orShould().callMethod(ZonedDateTime.class, "now")
            .orShould().callMethod(OffsetDateTime.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(Clock.class, "systemUTC")
            .orShould().callMethod(Clock.class, "systemDefaultZone")
            .because("time is injected as a java.time.Clock (DESIGN.md, Principle 5)");

    static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() throws URISyntaxException {
        Path classes = Path.of(CommandParser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        mainClasses = new ClassFileImporter().importPath(classes);
        assertTrue(mainClasses.contain(CommandParser.class), "imported " + classes);
        assertFalse(mainClasses.contain(ArchitectureTest.class), "test classes must not be imported");
    }

    @Test
    void commandsDependOnTheJdkOnly() {
        JDK_ONLY.check(mainClasses);
    }

    @Test
    void commandsNeverReadTheSystemClock() {
        CLOCK_INJECTED.check(mainClasses);
    }

    @Test
    void jdkOnlyRuleCatchesAForbiddenImport() {
        EvaluationResult result = JDK_ONLY.evaluate(new ClassFileImporter().importClasses(UsesJdbc.class));
        assertTrue(result.hasViolation(), "the rule should refuse a class that uses java.sql");
        assertTrue(result.getFailureReport().toString().contains("java.sql.Connection"),
                result.getFailureReport().toString());
    }

    @Test
    void clockRuleCatchesInstantNow() {
        EvaluationResult result = CLOCK_INJECTED.evaluate(new ClassFileImporter().importClasses(ReadsTheClock.class));
        assertTrue(result.hasViolation(), "the rule should refuse a class that calls Instant.now()");
    }

    @Test
    void clockRuleAllowsAnInjectedClock() {
        EvaluationResult result = CLOCK_INJECTED.evaluate(new ClassFileImporter().importClasses(UsesAClock.class));
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }

    /** Test-only: what the core must never do. */
    static final class UsesJdbc {
        java.sql.Connection connection;

        boolean open() throws java.sql.SQLException {
            return !connection.isClosed();
        }
    }

    /** Test-only: reads the system clock. */
    static final class ReadsTheClock {
        Instant stamp() {
            return Instant.now();
        }
    }

    /** Test-only: the right way. */
    static final class UsesAClock {
        Instant stamp(Clock clock) {
            return Instant.now(clock);
        }
    }
}
