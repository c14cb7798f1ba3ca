package dev.breakglass.grant;

import dev.breakglass.port.GrantStore;
import dev.breakglass.port.GrantStoreContract;

/**
 * The in-memory store the core's use-case tests run on ({@link Fakes.MemoryGrantStore}) keeps the same contract as
 * the JDBC store, so what those tests show holds against a database too.
 */
class MemoryGrantStoreTest extends GrantStoreContract {
    @Override
    protected GrantStore openStore() {
        return new Fakes.MemoryGrantStore();
    }
}
