package io.agentworkspace.projection;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.ProjectionSettings;

/**
 * Once the service is up, rebuilds (without downtime) every rebuildable projection whose manifest version is newer
 * than its live tables: a release that changes a projection's handlers bumps its version and the upgrade rebuilds
 * it. Off with {@code agent.projections.rebuild-outdated=false} (ops commands run with it off).
 */
@Component
class OutdatedProjections {

    private static final Logger log = LoggerFactory.getLogger(OutdatedProjections.class);

    private final ProjectionVersions versions;
    private final ProjectionRebuilds rebuilds;
    private final boolean enabled;

    OutdatedProjections(ProjectionVersions versions, ProjectionRebuilds rebuilds,
                        ProjectionSettings settings) {
        this.versions = versions;
        this.rebuilds = rebuilds;
        this.enabled = settings.rebuildOutdated();
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (enabled) {
            rebuild();
        }
    }

    /** Starts the rebuilds; returns the names of the projections whose rebuild started. */
    List<String> rebuild() {
        List<String> started = new ArrayList<>();
        for (ProjectionCatalog.Projection projection : versions.outdated()) {
            int built = versions.built(projection.name()).orElse(projection.version());
            if (!projection.rebuildable()) {
                log.warn("projection {} was built by version {}, its manifest is version {}, and it is not rebuildable: "
                        + "its tables keep their old meaning", projection.name(), built, projection.version());
                continue;
            }
            try {
                rebuilds.start(projection.name());
                started.add(projection.name());
                log.info("rebuilding projection {}: built by version {}, its manifest is version {}", projection.name(),
                        built, projection.version());
            } catch (RejectedCommand refused) {
                log.warn("projection {} is outdated (version {} < {}) but its rebuild did not start: {}",
                        projection.name(), built, projection.version(), refused.getMessage());
            }
        }
        return started;
    }
}
