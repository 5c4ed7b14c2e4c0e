package io.agentworkspace.ops;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.agentworkspace.projection.ReadModelChecksums;

/**
 * The read models of a restored database as the backup held them: captured while the application context is
 * created, before any event processor runs, so the restore drill can tell what catching up changed. Only on the
 * {@code drill} profile (it reads every read model at start-up).
 */
@Component
@Profile("drill")
class RestoredState {

    private final ReadModelChecksums.State initial;

    RestoredState(ReadModelChecksums checksums) {
        this.initial = checksums.capture();
    }

    ReadModelChecksums.State initial() {
        return initial;
    }
}
