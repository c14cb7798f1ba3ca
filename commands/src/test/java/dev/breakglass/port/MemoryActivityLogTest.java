package dev.breakglass.port;

/** The in-memory log the use-case tests use keeps the same contract as the JDBC one. */
class MemoryActivityLogTest extends ActivityLogContract {
    @Override
    protected ActivityLog openLog() {
        return new MemoryActivityLog();
    }
}
