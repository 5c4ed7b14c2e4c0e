package io.agentworkspace.projection;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.MySqlProfile;

/** Every projection rebuilt under live traffic on the embedded H2 default. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.providers.script.enabled=true",
                "agent.projections.rebuild-max-rate=" + EveryProjectionRebuildContract.MAX_RATE})
class EveryProjectionRebuildEmbeddedIT extends EveryProjectionRebuildContract {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "every-rebuild-embedded");
        registry.add("agent.secrets.master-key", () -> MySqlProfile.TEST_MASTER_KEY);
    }
}
