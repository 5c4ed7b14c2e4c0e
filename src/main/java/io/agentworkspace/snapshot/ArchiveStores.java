package io.agentworkspace.snapshot;

import java.util.Map;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * The configured driver for new archives, and every driver this node can reach for reading and deleting older
 * ones (a snapshot stays with the driver it was stored by, whatever the configuration says later).
 */
final class ArchiveStores implements AutoCloseable {

    private final ArchiveStore current;
    private final Map<String, ArchiveStore> byDriver;

    ArchiveStores(ArchiveStore current, Map<String, ArchiveStore> byDriver) {
        this.current = current;
        this.byDriver = Map.copyOf(byDriver);
    }

    ArchiveStore current() {
        return current;
    }

    ArchiveStore of(String driver) {
        ArchiveStore store = byDriver.get(driver);
        if (store == null) {
            throw new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE, "snapshot-driver-unavailable", null,
                    "The snapshot was stored by the " + driver + " driver, which this node has not configured.");
        }
        return store;
    }

    @Override
    public void close() throws Exception {
        for (ArchiveStore store : byDriver.values()) {
            if (store instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
