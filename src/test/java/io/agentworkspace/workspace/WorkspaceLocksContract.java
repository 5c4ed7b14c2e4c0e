package io.agentworkspace.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What every WorkspaceLocks implementation guarantees: one holder at a time, and ever-growing fencing tokens. */
abstract class WorkspaceLocksContract {

    abstract WorkspaceLocks locks();

    final String project = UUID.randomUUID().toString();

    @Test
    void oneHolderAtATimeAndTheNextOneGetsAGreaterToken() {
        WorkspaceLease first = locks().acquire(project, Duration.ZERO).block();
        assertThat(locks().currentToken(project).block()).isEqualTo(first.fencingToken());

        assertThatThrownBy(() -> locks().acquire(project, Duration.ofMillis(300)).block())
                .isInstanceOf(WorkspaceBusy.class);

        first.release().block();
        assertThat(locks().currentToken(project).blockOptional()).isEmpty();
        WorkspaceLease second = locks().acquire(project, Duration.ZERO).block();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThatThrownBy(() -> first.verify().block()).isInstanceOf(WorkspaceBusy.class);
        second.verify().block();
        second.release().block();
    }

    @Test
    void differentWorkspacesDoNotBlockEachOther() {
        WorkspaceLease a = locks().acquire(project, Duration.ZERO).block();
        WorkspaceLease b = locks().acquire(UUID.randomUUID().toString(), Duration.ZERO).block();
        a.verify().block();
        b.verify().block();
        a.release().block();
        b.release().block();
    }

    @Test
    void concurrentWritersNeverOverlapAndTokensFollowTheOrderOfGrants() throws Exception {
        record Held(long token, long from, long to) {
        }
        List<Held> held = new CopyOnWriteArrayList<>();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            done.add(writers.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    WorkspaceLease lease = locks().acquire(project, Duration.ofSeconds(30)).block();
                    long from = System.nanoTime();
                    lease.verify().block();
                    Thread.sleep(2);
                    lease.verify().block();
                    long to = System.nanoTime();
                    held.add(new Held(lease.fencingToken(), from, to));
                    lease.release().block();
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(120, TimeUnit.SECONDS);
        }
        writers.shutdown();

        assertThat(held).hasSize(80);
        List<Held> byToken = held.stream().sorted(Comparator.comparingLong(Held::token)).toList();
        for (int i = 1; i < byToken.size(); i++) {
            assertThat(byToken.get(i).token()).isGreaterThan(byToken.get(i - 1).token());
            assertThat(byToken.get(i).from()).as("lease %d starts after lease %d ended", byToken.get(i).token(),
                    byToken.get(i - 1).token()).isGreaterThan(byToken.get(i - 1).to());
        }
    }
}
