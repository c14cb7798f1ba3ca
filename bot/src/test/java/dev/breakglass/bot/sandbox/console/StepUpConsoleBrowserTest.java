package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.testing.SandboxBot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step-up in the sandbox console, in real headless Chromium: a demo user runs {@code /breakglass mfa enroll}, the
 * modal shows the QR code (the PNG the bot serves, loaded by the page) and the demo authenticator — the page
 * playing the phone — computes the first code, which confirms the enrolment.
 */
class StepUpConsoleBrowserTest {
    static SandboxBot bot;
    static ConsolePage dave;

    @BeforeAll
    static void start() {
        bot = new SandboxBot().awaitHealthy(Duration.ofSeconds(60));
        dave = new ConsolePage(bot.url("/sandbox"), "U0DAVE", Path.of("target", "sandbox-screenshots"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dave != null) {
            dave.close();
        }
        if (bot != null) {
            bot.close();
        }
    }

    @Test
    void aDemoUserEnrolsWithTheQrCodeAndACodeThePageComputes() {
        dave.open("dm");
        dave.type("/breakglass mfa enroll");
        assertEquals("Set up step-up", dave.modalTitle());
        assertTrue(dave.modalText().contains("otpauth://totp/"), dave.modalText());
        WebElement qr = dave.awaitValue("the QR code", () -> dave.driver.findElements(By.cssSelector("#modal img"))
                .stream().findFirst());
        dave.await("the QR code to load", () -> ((Number) dave.driver.executeScript(
                "return arguments[0].complete ? arguments[0].naturalWidth : 0", qr)).intValue() > 0);
        String code = dave.awaitValue("the demo authenticator's code", () -> dave.driver.findElements(
                By.id("demo-code")).stream().map(WebElement::getText).filter(t -> t.matches("[0-9]{6}")).findFirst());
        assertTrue(code.matches("[0-9]{6}"), code);
        dave.shot("step-up-enrol");

        dave.retryClick(By.id("demo-fill"));
        dave.submitModal();
        dave.await("the enrolment modal to close", () -> !dave.modalOpen());
        dave.message("Step-up is set up");
        dave.type("/breakglass mfa status");
        dave.message("You are enrolled in step-up");
    }
}
