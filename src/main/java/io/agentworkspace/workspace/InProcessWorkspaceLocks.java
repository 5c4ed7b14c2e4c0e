package io.agentworkspace.workspace;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The embedded profile's lock: one JVM, so a map of holders is enough. Leases do not expire here, since a crash
 * takes every holder with it.
 */
@Component
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "false", matchIfMissing = true)
class InProcessWorkspaceLocks implements WorkspaceLocks {

    private final Map<String, Lease> holders = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> fences = new ConcurrentHashMap<>();
    private final LeaseSettings settings;

    InProcessWorkspaceLocks(LeaseSettings settings) {
        this.settings = settings;
    }

    @Override
    public Mono<WorkspaceLease> acquire(String projectId, Duration wait) {
        Mono<WorkspaceLease> attempt = Mono.fromCallable(() -> tryAcquire(projectId));
        return Retries.untilAcquired(attempt, projectId, wait, settings.retryBackoff());
    }

    private synchronized WorkspaceLease tryAcquire(String projectId) {
        if (holders.containsKey(projectId)) {
            return null;
        }
        long token = fences.computeIfAbsent(projectId, id -> new AtomicLong()).incrementAndGet();
        Lease lease = new Lease(projectId, token);
        holders.put(projectId, lease);
        return lease;
    }

    @Override
    public Mono<Long> currentToken(String projectId) {
        return Mono.justOrEmpty(holders.get(projectId)).map(Lease::fencingToken);
    }

    @Override
    public Mono<Boolean> releaseAbandoned(String projectId, long fencingToken) {
        return Mono.fromCallable(() -> {
            Lease holder = holders.get(projectId);
            return holder != null && holder.token == fencingToken && holders.remove(projectId, holder);
        });
    }

    private final class Lease implements WorkspaceLease {
        private final String projectId;
        private final long token;

        Lease(String projectId, long token) {
            this.projectId = projectId;
            this.token = token;
        }

        @Override
        public String projectId() {
            return projectId;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public Mono<Void> verify() {
            return holders.get(projectId) == this ? Mono.empty()
                    : Mono.error(new WorkspaceBusy(projectId, "lease " + token + " is no longer current"));
        }

        @Override
        public Mono<Void> release() {
            return Mono.fromRunnable(() -> holders.remove(projectId, this));
        }
    }
}
