package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.testing.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** One browser window on the sandbox console, used the way a person uses it: by what the page shows. */
final class ConsolePage implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;
    private final Path screenshots;

    ConsolePage(URI console, String user, Path screenshots) {
        this.driver = Browser.open();
        this.screenshots = screenshots;
        driver.get(console + "?as=" + user);
        await("the console to load", () -> !driver.findElements(By.cssSelector("#app[aria-busy=false]")).isEmpty());
    }

    // ---------------------------------------------------------------- doing

    void switchTo(String user) {
        retry(() -> {
            new Select(driver.findElement(By.id("user-switcher"))).selectByValue(user);
            return true;
        }, "the user switcher");
        await("the page to show " + user, () -> driver.getCurrentUrl().endsWith("as=" + user));
    }

    /** Opens a channel, the DM ("dm") or Home ("home") from the sidebar. */
    void open(String place) {
        By item = place.equals("dm") ? By.cssSelector("#nav-dms .nav-item")
                : By.cssSelector(".nav-item[data-place='" + place + "']");
        retry(() -> {
            driver.findElement(item).click();
            return true;
        }, "the sidebar entry " + place);
        await(place + " to open", () -> driver.findElement(item).getAttribute("class").contains("active"));
    }

    /** Types a line in the composer and presses Enter. */
    void type(String line) {
        WebElement input = driver.findElement(By.id("composer-input"));
        input.clear();
        input.sendKeys(line, Keys.ENTER);
    }

    /** ButtonActions the button with this label on the newest message (in the main pane or the thread) that contains text. */
    void press(String messageText, String button) {
        retry(() -> {
            WebElement message = message(messageText);
            message.findElement(By.xpath(".//button[normalize-space()=\"" + button + "\"]")).click();
            return true;
        }, "the " + button + " button on the message saying \"" + messageText + "\"");
    }

    /** ButtonActions what the locator finds, looking again if the page redrew it meanwhile. */
    void retryClick(By locator) {
        retry(() -> {
            driver.findElement(locator).click();
            return true;
        }, locator.toString());
    }

    /** Answers the open confirm dialog. */
    void confirm() {
        await("a confirm dialog", () -> driver.findElement(By.id("confirm-overlay")).isDisplayed());
        driver.findElement(By.id("confirm-ok")).click();
    }

    /** Fills a text input or textarea of the open modal, found by its label. */
    void fill(String label, String value) {
        WebElement input = field(label).findElement(By.cssSelector("input,textarea"));
        input.clear();
        input.sendKeys(value);
    }

    /** Chooses an option of a select in the open modal by its visible text. */
    void choose(String label, String option) {
        new Select(field(label).findElement(By.tagName("select"))).selectByVisibleText(option);
    }

    void submitModal() {
        driver.findElement(By.id("modal-submit")).click();
    }

    void closeModal() {
        driver.findElement(By.id("modal-close")).click();
        await("the modal to close", () -> !modalOpen());
    }

    void openThread(String parentText) {
        retry(() -> {
            message(parentText).findElement(By.cssSelector("button.replies")).click();
            return true;
        }, "the replies of the message saying \"" + parentText + "\"");
        await("the thread pane", () -> driver.findElement(By.id("thread")).isDisplayed());
    }

    Path shot(String name) {
        return Browser.screenshot(driver, screenshots.resolve(name + ".png"));
    }

    // ---------------------------------------------------------------- reading

    /** The newest visible message containing the text (main pane, thread pane), waiting for it. */
    WebElement message(String text) {
        return awaitValue("a message saying \"" + text + "\"", () -> {
            List<WebElement> all = driver.findElements(By.cssSelector(".message"));
            for (int i = all.size() - 1; i >= 0; i--) {
                WebElement m = all.get(i);
                if (m.isDisplayed() && m.getText().contains(text)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        });
    }

    /**
     * The text of the newest visible message containing {@code text}, waiting for it; read as it is found, so a
     * re-render of the page in between (an update arriving) cannot leave a stale element behind.
     */
    String text(String text) {
        return awaitValue("a message saying \"" + text + "\"", () -> {
            List<WebElement> all = driver.findElements(By.cssSelector(".message"));
            for (int i = all.size() - 1; i >= 0; i--) {
                WebElement m = all.get(i);
                String shown = m.isDisplayed() ? m.getText() : "";
                if (shown.contains(text)) {
                    return Optional.of(shown);
                }
            }
            return Optional.empty();
        });
    }

    /** Whether a visible message contains the text now (no waiting). */
    boolean shows(String text) {
        // Read the page as it is now, but look again when it redraws under us (after a user switch it may).
        // (As a word: the wait treats a false answer as "not yet".)
        return awaitValue("the messages to stay still", () -> Optional.of(String.valueOf(driver.findElements(
                By.cssSelector(".message")).stream().anyMatch(m -> m.isDisplayed() && m.getText().contains(text)))))
                .equals("true");
    }

    String mainText() {
        return driver.findElement(By.cssSelector("main")).getText();
    }

    boolean modalOpen() {
        return driver.findElement(By.id("modal-overlay")).isDisplayed();
    }

    String modalText() {
        await("a modal", this::modalOpen);
        return driver.findElement(By.id("modal")).getText();
    }

    String modalTitle() {
        await("a modal", this::modalOpen);
        return driver.findElement(By.id("modal-title")).getText();
    }

    /** The error shown under a modal field. */
    String fieldError(String label) {
        return awaitValue("an error under " + label, () -> field(label).findElements(By.cssSelector(".bk-error"))
                .stream().findFirst().map(WebElement::getText));
    }

    boolean unread(String place) {
        // a live update may redraw the item between finding it and reading it: awaitValue reads it again then
        return awaitValue("the navigation item " + place, () -> Optional.of(driver.findElement(
                By.cssSelector(".nav-item[data-place='" + place + "']")).getAttribute("class"))).contains("unread");
    }

    String toast() {
        return awaitValue("a toast", () -> driver.findElements(By.cssSelector(".toast")).stream()
                .reduce((a, b) -> b).map(WebElement::getText));
    }

    String sidebarText() {
        return driver.findElement(By.cssSelector(".sidebar")).getText();
    }

    /** The Home tab's text once it greets {@code name} (so a switch of user is not read stale). */
    String homeText(String name) {
        return awaitValue("the Home tab of " + name, () -> {
            WebElement home = driver.findElement(By.id("home"));
            return home.isDisplayed() && home.getText().contains("Hi @" + name) ? Optional.of(home.getText())
                    : Optional.empty();
        });
    }

    /** The id of this window's user's DM with the bot. */
    String dm() {
        return driver.findElement(By.cssSelector("#nav-dms .nav-item")).getAttribute("data-place");
    }

    private WebElement field(String label) {
        return awaitValue("a field labelled " + label, () -> driver.findElements(By.cssSelector("#modal .bk-input"))
                .stream().filter(f -> f.findElement(By.cssSelector(".bk-input-label")).getText().startsWith(label))
                .findFirst());
    }

    // ---------------------------------------------------------------- waiting

    void await(String what, Supplier<Boolean> condition) {
        awaitValue(what, () -> retrying(condition) ? Optional.of(true) : Optional.empty());
    }

    <T> T awaitValue(String what, Supplier<Optional<T>> value) {
        return awaitValue(what, value, WAIT);
    }

    <T> T awaitValue(String what, Supplier<Optional<T>> value, Duration timeout) {
        return new WebDriverWait(driver, timeout).withMessage(() -> "waited for " + what + "; the page shows:\n"
                        + driver.findElement(By.tagName("body")).getText())
                .until(d -> {
                    try {
                        return value.get().orElse(null);
                    } catch (StaleElementReferenceException e) {
                        return null; // the page redrew under us: look again
                    }
                });
    }

    private void retry(Supplier<Boolean> action, String what) {
        await(what, action);
    }

    private static boolean retrying(Supplier<Boolean> condition) {
        try {
            return condition.get();
        } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
            return false;
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
