package dev.breakglass.bot.adapter;

import dev.breakglass.activity.Activity;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Reading an adapter's activity the way the bot polls it, for tests against real targets. */
public final class ActivityReads {
    private ActivityReads() {
    }

    /**
     * Reads from {@code from}, passing each page's position to the next read as the bot does, until {@code done}
     * holds for everything read so far (targets write their logs with a short delay); fails after 10 seconds.
     *
     * @return everything read, with the last position
     */
    public static ActivitySource.Page until(ActivitySource source, Provisioned p, Optional<String> from,
                                            Predicate<ActivitySource.Page> done) throws Exception {
        List<Activity> all = new ArrayList<>();
        Optional<String> position = from;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            ActivitySource.Page page = source.read(p, position);
            all.addAll(page.activities());
            position = Optional.of(page.position());
            ActivitySource.Page sofar = new ActivitySource.Page(all, page.position());
            if (done.test(sofar)) {
                return sofar;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen in 10 s; read: " + sofar.activities());
            }
            Thread.sleep(100);
        }
    }
}
