package io.agentworkspace.projection;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.EmbeddedApp;

/**
 * The rebuild on the embedded H2 default: the shadow's rows replace the live ones in one transaction. H2 builds
 * this history in well under a second, so the rebuild is paced to {@link #MAX_RATE} events per second: it stays in
 * its building state long enough for its progress to be seen, whatever the machine's speed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class RebuildEmbeddedIT extends RebuildContract {

    private static final int MAX_RATE = 2_000;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "rebuild-embedded");
        registry.add("agent.projections.rebuild-max-rate", () -> MAX_RATE);
        registry.add("agent.projections.rebuild-batch-size", () -> 100);
    }

    @Override
    int tokens() {
        return 3_000;
    }

    @Override
    int revocations() {
        return 1_000;
    }

    @Override
    double maxRate() {
        return MAX_RATE;
    }

    @Test
    void rebuildOnH2() throws Exception {
        rebuildsWhileServingAndEndsWithTheOldModelPlusTheNewEvents();
    }

    @Test
    void badNamesAndProjectionsThatCannotBeRebuiltAreRefused() {
        refusesUnknownAndMalformedProjectionNames();
    }
}
