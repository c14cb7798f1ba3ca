package dev.breakglass.bot.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A running bot for a test, on the emulator, with a {@link WebhookReceiver} as the target's far end and the
 * {@link Workflow} that drives it: the start and stop every flow test needs, written once.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BotExtension BOT = BotExtension.withWebhookTarget();   // one bot for the class
 * private RunningBot bot;      // set by the extension before each test (and before @BeforeAll with PER_CLASS)
 * private Workflow flow;
 * private WebhookReceiver receiver;
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the bot is shared by the class's tests and closed after the last; on an
 * instance field, every test gets a fresh bot, closed after it. The extension fills the test's own non-static fields
 * of type {@link RunningBot}, {@link Workflow}, {@link WebhookReceiver} and, when it owns one, {@link TestDatabase}
 * (a {@code PER_CLASS} test with a fresh bot per test sees each new one), so a test reads like the product and not
 * like its set-up.
 *
 * <p>Edge cases: the bot starts on first use (a {@code PER_CLASS} test instance exists before any callback), and is
 * healthy before a test sees it; a bot that fails to start still closes the receiver and database it was given;
 * closing is in reverse order of making (bot, receiver, database), so the bot never outlives its target.
 */
public final class BotExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    private final BiFunction<RunningBot.Builder, WebhookReceiver, RunningBot.Builder> setup;
    private final Supplier<Optional<TestDatabase>> databases;
    private boolean perClass;
    private Running running;

    private BotExtension(BiFunction<RunningBot.Builder, WebhookReceiver, RunningBot.Builder> setup,
                         Supplier<Optional<TestDatabase>> databases) {
        this.setup = setup;
        this.databases = databases;
    }

    /** A bot with the workflow policy ({@link Workflow#policy(WebhookReceiver)}): every target is the receiver. */
    public static BotExtension withWebhookTarget() {
        return with((bot, receiver) -> bot.policy(Workflow.policy(receiver)));
    }

    /** A bot set up by {@code setup}, given the builder and the receiver (whose URL a policy may name). */
    public static BotExtension with(BiFunction<RunningBot.Builder, WebhookReceiver, RunningBot.Builder> setup) {
        return new BotExtension(setup, Optional::empty);
    }

    /** The same bot on its own database in the real PostgreSQL (dropped when the bot closes). */
    public BotExtension onPostgres() {
        return new BotExtension(setup, () -> Optional.of(TestDatabase.postgres()));
    }

    /** The bot, started on first use. */
    public RunningBot bot() {
        return running().bot();
    }

    /** The workflow that drives {@link #bot()}. */
    public Workflow flow() {
        return running().flow();
    }

    /** The far end of every webhook target. */
    public WebhookReceiver receiver() {
        return running().receiver();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        perClass = true;
        Optional<Object> instance = context.getTestInstance();
        if (instance.isPresent()) {
            fill(instance.get());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        fill(context.getRequiredTestInstance());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private synchronized Running running() {
        if (running == null) {
            running = Running.start(setup, databases.get());
        }
        return running;
    }

    private synchronized void close() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /** Sets the test's fields of the types this extension provides. */
    private void fill(Object test) throws IllegalAccessException {
        Running r = running();
        for (Class<?> type = test.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    continue;
                }
                Object value = r.provide(field.getType());
                if (value != null) {
                    field.setAccessible(true);
                    field.set(test, value);
                }
            }
        }
    }

    /** One started bot with what it was given. */
    private record Running(RunningBot bot, Workflow flow, WebhookReceiver receiver, Optional<TestDatabase> db)
            implements AutoCloseable {

        static Running start(BiFunction<RunningBot.Builder, WebhookReceiver, RunningBot.Builder> setup,
                             Optional<TestDatabase> db) {
            WebhookReceiver receiver = new WebhookReceiver();
            try {
                RunningBot.Builder builder = setup.apply(RunningBot.builder(), receiver);
                db.ifPresent(builder::database);
                RunningBot bot = builder.start().awaitHealthy(HEALTHY_WITHIN);
                return new Running(bot, new Workflow(bot), receiver, db);
            } catch (RuntimeException | Error e) {
                receiver.close();
                db.ifPresent(TestDatabase::close);
                throw e;
            }
        }

        /** The value for a field of {@code type}; null for a type this extension does not provide. */
        Object provide(Class<?> type) {
            if (type == RunningBot.class) {
                return bot;
            }
            if (type == Workflow.class) {
                return flow;
            }
            if (type == WebhookReceiver.class) {
                return receiver;
            }
            return type == TestDatabase.class ? db.orElse(null) : null;
        }

        @Override
        public void close() {
            try {
                bot.close();
            } finally {
                receiver.close();
                db.ifPresent(TestDatabase::close);
            }
        }
    }
}
