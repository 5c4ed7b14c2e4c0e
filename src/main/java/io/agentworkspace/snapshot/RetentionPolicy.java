package io.agentworkspace.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * Which snapshots to prune: those beyond the newest {@code keepLast}, and those older than {@code maxAgeSeconds}.
 * A null bound does not apply.
 */
public record RetentionPolicy(@Nullable Integer keepLast, @Nullable Long maxAgeSeconds) {

    record Live(String snapshotId, Instant createdAt) {
    }

    record Pruned(String snapshotId, String reason) {
    }

    public boolean isEmpty() {
        return keepLast == null && maxAgeSeconds == null;
    }

    List<Pruned> prune(List<Live> live, Instant now) {
        List<Live> newestFirst = new ArrayList<>(live);
        newestFirst.sort(Comparator.comparing(Live::createdAt).reversed().thenComparing(Live::snapshotId));
        List<Pruned> pruned = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            Live snapshot = newestFirst.get(i);
            if (keepLast != null && i >= keepLast) {
                pruned.add(new Pruned(snapshot.snapshotId(), "retention: keep the last " + keepLast));
            } else if (maxAgeSeconds != null && snapshot.createdAt().isBefore(now.minusSeconds(maxAgeSeconds))) {
                pruned.add(new Pruned(snapshot.snapshotId(),
                        "retention: older than " + Duration.ofSeconds(maxAgeSeconds).toString()));
            }
        }
        return pruned;
    }
}
