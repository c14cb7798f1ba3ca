package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.webapi.WebApiTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** trigger_ids live 3 seconds on the emulator's clock (slack-samples/limits: trigger_id_expiry). */
class TriggerExpiryTest {
    EmulatorFixture f;

    @BeforeEach
    void start() {
        f = new EmulatorFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void justUnderThreeSecondsStillOpens() throws Exception {
        String trigger = f.emulator.issueTriggerId("U0ALICE");
        f.clock.advance(Duration.ofMillis(2999));
        assertTrue(f.bot().viewsOpen(x -> x.triggerId(trigger).view(WebApiTest.modal("request"))).isOk());
    }

    @Test
    void atThreeSecondsItHasExpired() throws Exception {
        String trigger = f.emulator.issueTriggerId("U0ALICE");
        f.clock.advance(Duration.ofSeconds(3));
        assertEquals("expired_trigger_id", f.bot().viewsOpen(x -> x.triggerId(trigger).view(WebApiTest.modal("request"))).getError());
        assertTrue(f.emulator.openModal("U0ALICE").isEmpty());
    }

    @Test
    void theModalOpensForTheUserTheTriggerWasIssuedTo() throws Exception {
        String trigger = f.emulator.issueTriggerId("U0CAROL");
        f.bot().viewsOpen(x -> x.triggerId(trigger).view(WebApiTest.modal("request")));
        assertTrue(f.emulator.openModal("U0CAROL").isPresent());
        assertTrue(f.emulator.openModal("U0ALICE").isEmpty());
    }
}
