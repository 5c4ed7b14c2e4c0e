package io.agentworkspace.snapshot;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.axon.Commands;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Applies retention to every project with snapshots at a fixed interval, so the max-age bound prunes even when no
 * new snapshot is taken. The aggregate decides what goes; this only asks it to look.
 */
@Component
class RetentionSweeper implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    private final Snapshots snapshots;
    private final Commands commands;
    private final SnapshotSettings settings;
    private final Clock clock;
    private volatile Disposable sweeping;

    RetentionSweeper(Snapshots snapshots, Commands commands, SnapshotSettings settings, Clock clock) {
        this.snapshots = snapshots;
        this.commands = commands;
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        sweeping = Polling.every(settings.retention().interval(), () -> snapshots.projectsWithSnapshots()
                        .concatMap(projectId -> commands.send(new ApplySnapshotRetention(projectId,
                                settings.retention().policy(), clock.instant())))
                        .then()
                        .onErrorResume(failure -> {
                            log.warn("snapshot retention sweep failed: {}", failure.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void destroy() {
        if (sweeping != null) {
            sweeping.dispose();
        }
    }
}
