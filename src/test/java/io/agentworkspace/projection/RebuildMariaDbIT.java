package io.agentworkspace.projection;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/** The rebuild on MariaDB with 30k events: the atomic multi-table RENAME. The 1M-event figures are a benchmark (docs/benchmarks.md). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.projections.batch-size=1000", "agent.projections.rebuild-batch-size=1000"})
@AutoConfigureObservability
@ActiveProfiles("mysql")
class RebuildMariaDbIT extends RebuildContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-rebuild-it"));
    }

    @Override
    int tokens() {
        return 20_000;
    }

    @Override
    int revocations() {
        return 10_000;
    }

    @Test
    void rebuildWithThirtyThousandEvents() throws Exception {
        rebuildsWhileServingAndEndsWithTheOldModelPlusTheNewEvents();
    }

    @Test
    void badNames() {
        refusesUnknownAndMalformedProjectionNames();
    }
}
