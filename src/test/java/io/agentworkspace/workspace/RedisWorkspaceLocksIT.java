package io.agentworkspace.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import io.lettuce.core.api.reactive.RedisReactiveCommands;

import io.agentworkspace.infrastructure.redis.RedisDatabase;
import io.agentworkspace.infrastructure.redis.RedisDatabases;
import io.agentworkspace.support.TestServices;

/** The Redis implementation against a real Redis server, in the locks database (3). */
class RedisWorkspaceLocksIT extends WorkspaceLocksContract {

    static RedisDatabase database;
    static RedisWorkspaceLocks locks;
    static RedisWorkspaceLocks shortLived;

    @BeforeAll
    static void connect() {
        RedisProperties redis = new RedisProperties();
        redis.setHost(TestServices.redis().host());
        redis.setPort(TestServices.redis().port());
        database = RedisDatabase.connect(redis, new RedisDatabases(0, 1, 2, 3).locks());
        locks = new RedisWorkspaceLocks(database, new LeaseSettings(Duration.ofSeconds(30), Duration.ofMillis(5)));
        shortLived = new RedisWorkspaceLocks(database, new LeaseSettings(Duration.ofMillis(1500), Duration.ofMillis(20)));
    }

    @AfterAll
    static void disconnect() {
        database.destroy();
    }

    @Override
    WorkspaceLocks locks() {
        return locks;
    }

    @Test
    void theLockLivesInTheLocksDatabaseUnderItsDocumentedKey() {
        WorkspaceLease lease = locks.acquire(project, Duration.ZERO).block();
        RedisReactiveCommands<String, String> redis = database.commands();
        assertThat(redis.get("workspace:lock:" + project).block()).endsWith(":" + lease.fencingToken());
        assertThat(redis.pttl("workspace:lock:" + project).block()).isPositive();
        lease.release().block();
        assertThat(redis.exists("workspace:lock:" + project).block()).isZero();
    }

    @Test
    void aCrashedHoldersLockExpiresAndItsLateWritesAreFencedOff() {
        // a holder on a node that died: its lock is there, nobody renews it
        long started = System.nanoTime();
        database.commands().psetex("workspace:lock:" + project, 500, "dead-node:owner:1").block();
        WorkspaceLease next = locks.acquire(project, Duration.ofSeconds(5)).block();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));

        // a holder that lost its lease to expiry finds out before it writes, and cannot release the new holder's
        next.release().block();
        WorkspaceLease stale = locks.acquire(project, Duration.ZERO).block();
        database.commands().del("workspace:lock:" + project).block();
        WorkspaceLease current = locks.acquire(project, Duration.ZERO).block();
        assertThatThrownBy(() -> stale.verify().block()).isInstanceOf(WorkspaceBusy.class);
        stale.release().block();
        current.verify().block();
        assertThat(current.fencingToken()).isGreaterThan(stale.fencingToken());
        current.release().block();
    }

    @Test
    void aLeaseRenewsItselfWhileHeld() throws InterruptedException {
        WorkspaceLease lease = shortLived.acquire(project, Duration.ZERO).block();
        Thread.sleep(4500); // three times the lease's time to live
        lease.verify().block();
        assertThatThrownBy(() -> shortLived.acquire(project, Duration.ofMillis(100)).block()).isInstanceOf(WorkspaceBusy.class);
        lease.release().block();
    }
}
