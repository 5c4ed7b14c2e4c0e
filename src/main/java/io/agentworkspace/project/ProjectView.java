package io.agentworkspace.project;

import java.time.Instant;

import org.springframework.lang.Nullable;

/** A project as the Control Center and the iPhone see it. */
public record ProjectView(String id, String name, Source source, Workspace workspace, Instant registeredAt,
                          Instant updatedAt, long version) {

    public record Source(String kind, String location) {
    }

    /** @param status {@code cloning}, {@code ready} or {@code clone_failed} */
    public record Workspace(String status, @Nullable String headCommit, @Nullable String branch,
                            @Nullable Instant clonedAt, @Nullable String failureReason) {
    }
}
