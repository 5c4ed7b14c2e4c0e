package io.agentworkspace.snapshot;

/** Where a snapshot's archive is kept and what it must hash to. */
record ArchiveRef(String driver, String key, long sizeBytes, String sha256) {
}
