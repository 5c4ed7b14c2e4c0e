package io.agentworkspace.workspace;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Workspace locks shared by every node: {@code workspace:lock:{projectId}} in the locks database holds
 * {@code owner:token} with an expiry, and {@code workspace:fence:{projectId}} is the never-expiring counter the
 * fencing tokens come from. Grant, renewal and release are single Lua scripts, so each is atomic.
 */
@Component
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "true")
class RedisWorkspaceLocks implements WorkspaceLocks {

    private static final Logger log = LoggerFactory.getLogger(RedisWorkspaceLocks.class);

    private static final String GRANT = """
            if redis.call('exists', KEYS[1]) == 1 then return 0 end
            local token = redis.call('incr', KEYS[2])
            redis.call('set', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
            return token""";
    private static final String RENEW = """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
            return 0""";
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
            return 0""";

    private static final String RELEASE_ABANDONED = """
            local value = redis.call('get', KEYS[1])
            if value and string.sub(value, -string.len(ARGV[1]) - 1) == ':' .. ARGV[1] then
              return redis.call('del', KEYS[1])
            end
            return 0""";

    private final RedisReactiveCommands<String, String> redis;
    private final LeaseSettings settings;
    private final String node = UUID.randomUUID().toString();

    RedisWorkspaceLocks(@Qualifier("locks") RedisDatabase locks, LeaseSettings settings) {
        this.redis = locks.commands();
        this.settings = settings;
    }

    static String lockKey(String projectId) {
        return "workspace:lock:" + projectId;
    }

    static String fenceKey(String projectId) {
        return "workspace:fence:" + projectId;
    }

    @Override
    public Mono<WorkspaceLease> acquire(String projectId, Duration wait) {
        String owner = node + ":" + UUID.randomUUID();
        Mono<WorkspaceLease> attempt = script(GRANT, new String[] {lockKey(projectId), fenceKey(projectId)},
                        owner, Long.toString(settings.ttl().toMillis()))
                .filter(token -> token > 0)
                .map(token -> new Lease(projectId, owner + ":" + token, token));
        return Retries.untilAcquired(attempt, projectId, wait, settings.retryBackoff());
    }

    @Override
    public Mono<Long> currentToken(String projectId) {
        return redis.get(lockKey(projectId))
                .map(value -> Long.parseLong(value.substring(value.lastIndexOf(':') + 1)));
    }

    @Override
    public Mono<Boolean> releaseAbandoned(String projectId, long fencingToken) {
        return script(RELEASE_ABANDONED, new String[] {lockKey(projectId)}, Long.toString(fencingToken))
                .map(deleted -> deleted > 0);
    }

    private Mono<Long> script(String script, String[] keys, String... args) {
        return redis.<Long>eval(script, ScriptOutputType.INTEGER, keys, args).next();
    }

    private final class Lease implements WorkspaceLease {
        private final String projectId;
        private final String value;
        private final long token;
        private final AtomicBoolean held = new AtomicBoolean(true);
        private final Disposable renewal;

        Lease(String projectId, String value, long token) {
            this.projectId = projectId;
            this.value = value;
            this.token = token;
            this.renewal = Polling.every(settings.renewEvery(), () -> script(RENEW, new String[] {lockKey(projectId)},
                            value, Long.toString(settings.ttl().toMillis())).onErrorReturn(-1L))
                    .takeWhile(renewed -> renewed != 0)
                    .doOnComplete(this::lost)
                    .subscribe();
        }

        private void lost() {
            if (held.getAndSet(false)) {
                log.warn("workspace lease {} of project {} expired before it could be renewed", token, projectId);
            }
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
            return redis.get(lockKey(projectId))
                    .filter(value::equals)
                    .switchIfEmpty(Mono.error(() -> new WorkspaceBusy(projectId,
                            "lease " + token + " is no longer current")))
                    .then();
        }

        @Override
        public Mono<Void> release() {
            held.set(false);
            renewal.dispose();
            return script(RELEASE, new String[] {lockKey(projectId)}, value).then();
        }
    }
}
