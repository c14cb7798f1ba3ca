package dev.breakglass.bot.stepup;

import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.GrantId;
import dev.breakglass.stepup.StepUpEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The step-up messages (lockout alert, reset notice), against golden files (see {@link Golden}). */
class StepUpAlertsGoldenTest {
    private final StepUpAlerts alerts = new StepUpAlerts(null, TestDatabase.policyNotifying(List.of()),
            new Templates(Optional.empty(), List.of()));

    @Test
    void theLockoutAlertAndTheResetNotice() throws IOException {
        var until = SampleGrants.T0.plus(Duration.ofMinutes(15));
        new Golden.Cases()
                .add("locked out, for a grant", alerts.lockedOutText(new StepUpEvent.LockedOut(SampleGrants.BOB,
                        until, Optional.of(new GrantId(7)), SampleGrants.T0)))
                .add("locked out", alerts.lockedOutText(new StepUpEvent.LockedOut(SampleGrants.BOB, until,
                        Optional.empty(), SampleGrants.T0)))
                .add("reset", alerts.resetText(new StepUpEvent.Reset(SampleGrants.BOB, SampleGrants.SECURITY,
                        SampleGrants.T0)))
                .assertMatches("step-up-alerts.txt");
    }
}
