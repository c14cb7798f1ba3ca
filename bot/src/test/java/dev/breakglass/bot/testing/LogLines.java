package dev.breakglass.bot.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.util.List;

/** Reading what a logback {@link ListAppender} captured while the bot's threads may still be logging. */
public final class LogLines {
    private LogLines() {
    }

    /**
     * The lines captured so far, copied under the appender's own lock (logback appends holding it): iterating
     * {@code appender.list} directly fails now and then with a {@code ConcurrentModificationException} when a relay
     * or timer thread logs meanwhile.
     */
    public static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }
}
