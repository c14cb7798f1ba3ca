package dev.breakglass.bot.adapter;

import dev.breakglass.testing.WatchingTarget;
import dev.breakglass.activity.Completeness;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wrapper every configured target goes through must not hide an adapter's activity capture. */
class MeteredTargetActivityTest {

    private static final ActivitySource SOURCE = new ActivitySource() {
        @Override
        public Completeness completeness() {
            return Completeness.COMPLETE;
        }

        @Override
        public Page read(Provisioned provisioned, Optional<String> position) {
            return new Page(List.of(), "0");
        }
    };

    private static TargetAdapter adapter(Optional<ActivitySource> activity) {
        return new WatchingTarget(activity);
    }

    @Test
    void passesTheAdaptersSourceThrough() {
        MeteredTarget metered = new MeteredTarget("orders-db", adapter(Optional.of(SOURCE)), null, null, null,
                Clock.systemUTC());
        assertSame(SOURCE, metered.activity().orElseThrow());
    }

    @Test
    void anAdapterWithoutCaptureHasNone() {
        MeteredTarget metered = new MeteredTarget("orders-db", adapter(Optional.empty()), null, null, null,
                Clock.systemUTC());
        assertTrue(metered.activity().isEmpty());
    }
}
