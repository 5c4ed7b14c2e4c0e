package io.agentworkspace.projection;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The rebuild on the embedded H2 default: the shadow's rows replace the live ones in one transaction. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class RebuildEmbeddedIT extends RebuildContract {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        String dir = Files.createTempDirectory("agent-rebuild-embedded").toString();
        registry.add("agent.data-dir", () -> dir);
    }

    @Override
    int tokens() {
        return 3_000;
    }

    @Override
    int revocations() {
        return 1_000;
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
