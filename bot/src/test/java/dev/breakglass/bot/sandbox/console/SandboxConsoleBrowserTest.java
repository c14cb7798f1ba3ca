package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.testing.SandboxBot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole loop in the sandbox console, in real headless Chromium, as a person plays it: every step is typed or
 * clicked in the page and checked by what the page shows. Two windows play two people at once. Screenshots of each
 * step go to {@code bot/target/sandbox-screenshots/} (the quick start in docs/ shows copies of them).
 *
 * <p>The bot runs as a newcomer runs it: sandbox mode, the built-in demo policy, the real clock. The second grant
 * asks for the demo's shortest duration (30 s) and is left to expire on its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxConsoleBrowserTest {
    static final String ALICE = "U0ALICE";
    static final String BOB = "U0BOB";
    static final String CAROL = "U0CAROL";
    static final String DAVE = "U0DAVE";
    static final String APPROVALS = "C0APPROVALS";
    static final String SECURITY = "C0SECURITY";
    static final Path SHOTS = Path.of("target", "sandbox-screenshots");
    static final String WHY = "orders database is down, need to restart it";
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    static SandboxBot bot;
    static ConsolePage alice;
    static ConsolePage bob;

    @BeforeAll
    static void start() {
        bot = new SandboxBot().awaitHealthy(Duration.ofSeconds(60));
        alice = new ConsolePage(bot.url("/sandbox"), ALICE, SHOTS);
        bob = new ConsolePage(bot.url("/sandbox"), BOB, SHOTS);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob, bot}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }

    @Test
    @Order(1)
    void theConsoleShowsTheWorkspace() {
        String sidebar = alice.sidebarText();
        for (String place : List.of("# breakglass-approvals", "# security", "# mgmt", "Breakglass — Home", "Breakglass")) {
            assertTrue(sidebar.contains(place), "sidebar lists " + place + ": " + sidebar);
        }
        assertTrue(sidebar.contains("Groups: @oncall"), sidebar);
        assertTrue(sidebar.contains("requests access"), sidebar);
        List<String> users = alice.driver.findElements(By.cssSelector("#user-switcher option")).stream()
                .map(o -> o.getAttribute("value")).toList();
        assertEquals(List.of(ALICE, BOB, CAROL, DAVE), users);
        assertTrue(alice.driver.findElement(By.id("guide")).isDisplayed(), "a first visit shows the guided tour");
        assertEquals(List.of(), alice.driver.findElements(By.cssSelector("#guide-steps li.done")), "nothing done yet");
        alice.shot("01-console");
    }

    @Test
    @Order(2)
    void requestByCommandPostsTheCard() {
        alice.type("/breakglass request demo-db 2m kind:outage incident:INC-42 " + WHY);
        String reply = alice.text("Requested BG-1");
        assertTrue(reply.contains("Only visible to you"), reply);
        String card = alice.text("Break-glass request BG-1");
        assertTrue(card.contains("Alice Anders requests demo-db as read-only for 2m"), card);
        assertTrue(card.contains(WHY), card);
        alice.shot("02-requested-by-command");
        alice.await("the tour to tick off the first step",
                () -> !alice.driver.findElements(By.cssSelector("#guide-steps li.done[data-step=ask]")).isEmpty());
        // the other window sees it without reloading
        assertTrue(bob.text("Break-glass request BG-1").contains("Approve"));
    }

    @Test
    @Order(3)
    void requestByFormWithAFieldError() {
        alice.type("/breakglass");
        assertEquals("Break glass", alice.modalTitle());
        alice.choose("Target and role", "demo-ssh — login (max 10m)");
        alice.choose("What is the emergency?", "Critical security patch");
        alice.fill("Duration", "soon");
        alice.fill("Justification", "bastion is unreachable, need to check sshd");
        alice.submitModal();
        assertTrue(alice.fieldError("Duration").startsWith("Write the duration as"), alice.fieldError("Duration"));
        assertTrue(alice.modalOpen(), "the form stays open with the error");
        alice.shot("03-form-error");
        alice.fill("Duration", "30s");
        alice.submitModal();
        alice.await("the form to close", () -> !alice.modalOpen());
        assertTrue(alice.text("Break-glass request BG-2").contains("demo-ssh as login for 30s"));
        alice.shot("04-requested-by-form");
    }

    @Test
    @Order(4)
    void anOutsiderIsRefusedPrivately() {
        alice.switchTo(DAVE);
        alice.type("/breakglass request demo-db 2m " + WHY);
        String refusal = alice.text("You are not allowed to request access to demo-db");
        assertTrue(refusal.contains("Only visible to you"), refusal);
        alice.shot("05-outsider-refused");
        alice.switchTo(ALICE);
        assertFalse(alice.shows("You are not allowed"), "Dave's refusal is Dave's alone");
        assertFalse(alice.shows("BG-3"), "no grant was made");
    }

    @Test
    @Order(5)
    void theRequesterCannotApproveTheirOwnRequest() {
        alice.press("Break-glass request BG-1", "Approve");
        alice.confirm();
        assertTrue(alice.text("You cannot approve your own request BG-1").contains("Only visible to you"));
        assertTrue(alice.text("Break-glass request BG-1").contains("Waiting for 1 more approval"));
        alice.shot("06-own-approval-refused");
    }

    @Test
    @Order(6)
    void aPeerApprovesAndTheOtherWindowSeesItLive() {
        bob.press("Break-glass request BG-1", "Approve");
        bob.shot("07-bob-approves");
        bob.confirm();
        // Alice's window changes without a reload: pushed over Server-Sent Events
        alice.await("BG-1's card to say it is active", () -> alice.text("Break-glass request BG-1")
                .contains("Active until"));
        assertTrue(alice.text("Break-glass request BG-1").contains("approved by @Bob Brown"));
        assertTrue(alice.unread(alice.dm()), "the DM has something new");
        alice.shot("08-approved-live");
        bob.press("Break-glass request BG-2", "Approve");
        bob.confirm();
        bob.await("BG-2's card to say it is active", () -> bob.text("Break-glass request BG-2")
                .contains("Active until"));
    }

    @Test
    @Order(7)
    void revealShowsTheCredentialsOnce() {
        alice.open("dm");
        alice.message("Your access to demo-db is ready");
        alice.shot("09-dm-ready");
        alice.press("Your access to demo-db is ready", "Reveal credentials");
        String credentials = alice.modalText();
        assertTrue(credentials.contains("bg-1") && credentials.contains("sandbox-"), credentials);
        alice.shot("10-revealed");
        alice.closeModal();
        alice.press("Your access to demo-db is ready", "Reveal credentials");
        String again = alice.text("already revealed");
        assertTrue(again.contains("Only visible to you"), again);
        assertFalse(again.contains("sandbox-"), "the password is not shown twice: " + again);
        assertFalse(alice.modalOpen(), "no second window");
    }

    @Test
    @Order(8)
    void theNotifyChannelsShowEachStep() {
        assertTrue(alice.unread(SECURITY), "#security has news for Alice");
        alice.open(SECURITY);
        for (String step : List.of("requested", "approved", "active")) {
            alice.await("#security to say BG-1 " + step, () -> alice.mainText().contains("BG-1")
                    && alice.mainText().toLowerCase().contains(step));
        }
        alice.shot("11-security-channel");
        assertFalse(alice.unread(SECURITY), "read once opened");
        alice.retryClick(By.linkText("request card"));
        alice.await("the link to open the card in #breakglass-approvals", () -> alice.driver
                .findElement(By.cssSelector(".nav-item[data-place='" + APPROVALS + "']")).getAttribute("class")
                .contains("active"));
    }

    @Test
    @Order(9)
    void imDoneEndsTheAccessAndOpensThePostMortem() {
        alice.open("dm");
        alice.press("Your access to demo-db is ready", "I'm done");
        alice.confirm();
        alice.open(APPROVALS);
        alice.await("BG-1's card to say it was revoked", () -> alice.text("Break-glass request BG-1")
                .contains("Revoked by"));
        alice.await("the post-mortem thread under BG-1's card", () -> alice.message("Break-glass request BG-1")
                .getText().contains("1 reply"));
        alice.openThread("Break-glass request BG-1");
        assertTrue(alice.text("Post-mortem of BG-1").contains("Write review"));
        alice.shot("12-post-mortem-thread");
    }

    @Test
    @Order(10)
    void theRequesterWritesTheReview() {
        alice.press("Post-mortem of BG-1", "Write review");
        alice.modalText();
        alice.fill("Was break glass necessary?", "Yes, the primary was down.");
        alice.fill("Were the actions justified", "Restarted the database, as the runbook says.");
        alice.fill("Was the duration right?", "Yes.");
        alice.fill("Could a normal access request have served?", "No, nobody could approve one at night.");
        alice.fill("Any policy violations", "None.");
        alice.fill("Was it the right kind of emergency", "Yes: customers could not order, a production outage.");
        alice.shot("13-review-form");
        alice.submitModal();
        alice.await("the form to close", () -> !alice.modalOpen());
        assertTrue(alice.text("Review of BG-1").contains("Restarted the database"));
        alice.shot("14-review-written");
    }

    @Test
    @Order(11)
    void securitySignsOff() {
        alice.switchTo(CAROL);
        alice.open(APPROVALS);
        alice.openThread("Break-glass request BG-1");
        alice.press("Post-mortem of BG-1", "Sign off");
        alice.confirm();
        alice.await("BG-1's card to say it is reviewed", () -> alice.text("Break-glass request BG-1")
                .contains("Reviewed"));
        alice.shot("15-signed-off");
    }

    @Test
    @Order(12)
    void theSecondGrantExpiresOnItsOwn() {
        bob.open(APPROVALS);
        bob.awaitValue("BG-2 to expire", () -> {
            String card = bob.text("Break-glass request BG-2");
            return card.contains("Expired") && card.contains("1 reply") ? java.util.Optional.of(card)
                    : java.util.Optional.empty();
        }, Duration.ofSeconds(90));
        bob.openThread("Break-glass request BG-2");
        assertTrue(bob.message("Post-mortem of BG-2").isDisplayed());
        bob.shot("16-expired-on-its-own");
    }

    @Test
    @Order(13)
    void aPeerDeniesWithAReason() {
        alice.switchTo(ALICE);
        alice.open(APPROVALS);
        alice.type("/breakglass request demo-payments 3m kind:identity-outage refund job is stuck, need to rerun it");
        bob.press("Break-glass request BG-3", "Deny");
        bob.fill("Why? The requester sees this.", "use the runbook's retry first");
        bob.shot("17-deny-reason");
        bob.submitModal();
        alice.await("BG-3's card to say it was denied", () -> alice.text("Break-glass request BG-3")
                .contains("Denied by @Bob Brown: use the runbook's retry first"));
    }

    @Test
    @Order(14)
    void appHomeShowsEachUserTheirSections() {
        alice.switchTo(ALICE);
        alice.open("home");
        String home = alice.homeText("Alice Anders");
        assertTrue(home.contains("Your requests") && home.contains("Reviews you owe"), home);
        assertTrue(home.contains("BG-2") && home.contains("Write review"), "Alice owes BG-2's review: " + home);
        alice.shot("18-home-alice");
        alice.retryClick(By.xpath("//section[@id='home']//button[normalize-space()='Write review']"));
        assertTrue(alice.modalText().contains("Was break glass necessary?"), "Home's button opens the review form");
        alice.closeModal();
        alice.driver.findElement(By.id("guide-close")).click();
        alice.await("the tour to go away", () -> !alice.driver.findElement(By.id("guide")).isDisplayed());
        alice.driver.findElement(By.id("show-guide")).click();
        alice.await("the tour to come back", () -> alice.driver.findElement(By.id("guide")).isDisplayed());
        alice.switchTo(CAROL);
        String carol = alice.homeText("Carol Chen");
        assertTrue(carol.contains("Nothing needs your approval"), carol);
        alice.switchTo(DAVE);
        String dave = alice.homeText("Dave Diaz");
        assertTrue(dave.contains("You hold no access right now"), dave);
        assertFalse(dave.contains("BG-1"), "Dave sees nobody's grants: " + dave);
    }

    /**
     * Every block, element and text type the bot emitted in this run (and in the golden files) is drawn by the page's
     * renderer; a type it did not know would show as "unsupported" — checked first with a made-up type, so this
     * check can fail.
     */
    @Test
    @Order(15)
    void everyBlockTypeTheBotEmitsIsRendered() throws Exception {
        List<BlockTypes.Surface> surfaces = new java.util.ArrayList<>(BlockTypes.fromGoldenFiles(GOLDEN));
        bot.slack().calls().forEach(c -> surfaces.addAll(BlockTypes.fromCall(c.params())));
        java.util.Set<String> emitted = BlockTypes.types(surfaces);
        for (String expected : List.of("header", "section", "actions", "input", "button", "static_select",
                "plain_text_input", "mrkdwn", "plain_text")) {
            assertTrue(emitted.contains(expected), "this run emitted " + expected + ": " + emitted);
        }

        var made = MAPPER.readTree("[{\"type\":\"carousel\",\"block_id\":\"x\"}]");
        assertEquals(List.of("carousel"), rendered(alice, List.of(new BlockTypes.Surface("message", made)))
                .get("unsupported"), "an unknown type shows as unsupported");

        var result = rendered(alice, surfaces);
        assertEquals(List.of(), result.get("unsupported"), "types the console does not draw");
        java.util.Set<String> drawn = java.util.Set.copyOf(result.get("drawn"));
        java.util.Set<String> missing = new java.util.TreeSet<>(emitted);
        missing.removeAll(drawn);
        assertEquals(java.util.Set.of(), missing, "emitted but not drawn; drawn: " + drawn);
    }

    /** Slack's mrkdwn as Slack shows it, and text the bot escaped shown literally, never as markup. */
    @Test
    @Order(16)
    void mrkdwnIsDrawnAndEscapedTextStaysText() {
        String raw = "*bold* _italic_ ~gone~ `code` <@U0ALICE> <!subteam^S0SECURITY> <#C0MGMT> <!here>\n"
                + "> quoted &lt;!channel&gt; &amp; &lt;https://evil.example|runbook&gt;\n"
                + "• listed <https://example.org/runbook|the runbook> <script>alert(1)</script>";
        String html = (String) alice.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/sandbox/assets/mrkdwn.js').then(m => done(m.mrkdwn(arguments[0], {
                  userName: id => id === 'U0ALICE' ? 'Alice Anders' : null, channelName: id => id === 'C0MGMT' ? 'mgmt' : null,
                  groupHandle: id => id === 'S0SECURITY' ? 'security' : null})));
                """, raw);
        for (String expected : List.of("<b>bold</b>", "<i>italic</i>", "<s>gone</s>", ">code</code>", "@Alice Anders",
                "@security", "#mgmt", "class=\"mention broadcast\" data-bk=\"broadcast\">@here",
                "<blockquote data-bk=\"quote\">", "&lt;!channel&gt; &amp; &lt;https://evil.example|runbook&gt;",
                "href=\"https://example.org/runbook\"", ">the runbook</a>", "data-bk=\"list-item\"")) {
            assertTrue(html.contains(expected), "expected " + expected + " in " + html);
        }
        assertFalse(html.contains("evil.example\""), "escaped text never becomes a link: " + html);
        assertEquals(1, html.split("data-bk=\"broadcast\"", -1).length - 1, "only the real <!here> pings: " + html);
        assertFalse(html.contains("<script>"), html);
    }

    /** Renders the surfaces with the page's own renderer; the types it drew and those it called unsupported. */
    private static java.util.Map<String, List<String>> rendered(ConsolePage page, List<BlockTypes.Surface> surfaces)
            throws Exception {
        String script = """
                const done = arguments[arguments.length - 1];
                import('/sandbox/assets/blockkit.js').then(bk => {
                  const box = document.createElement('div');
                  const names = {userName: () => null, channelName: () => null, groupHandle: () => null};
                  for (const s of JSON.parse(arguments[0])) {
                    box.append(bk.renderBlocks(s.blocks, {names, surface: s.surface, users: [], channels: [],
                      inputs: [], errors: {}, act: () => Promise.resolve(), confirm: () => Promise.resolve(false)}));
                  }
                  done(JSON.stringify({
                    drawn: [...new Set([...box.querySelectorAll('[data-bk]')].map(e => e.dataset.bk))],
                    unsupported: [...box.querySelectorAll('.bk-unsupported')].map(e => e.dataset.bk)}));
                }).catch(e => done(JSON.stringify({error: String(e)})));
                """;
        var json = MAPPER.createArrayNode();
        surfaces.forEach(s -> json.addObject().put("surface", s.surface()).set("blocks", s.blocks()));
        String answer = (String) page.driver.executeAsyncScript(script, json.toString());
        var node = MAPPER.readTree(answer);
        assertFalse(node.has("error"), answer);
        java.util.Map<String, List<String>> out = new java.util.HashMap<>();
        for (String key : List.of("drawn", "unsupported")) {
            List<String> values = new java.util.ArrayList<>();
            node.path(key).forEach(v -> values.add(v.asText()));
            out.put(key, values);
        }
        return out;
    }
}
