package io.agentworkspace.projection;

import java.nio.file.Files;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/** Every projection rebuilt under live traffic on MariaDB: shadow tables put in place by one atomic RENAME. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.providers.script.enabled=true",
                "agent.projections.rebuild-max-rate=" + EveryProjectionRebuildContract.MAX_RATE})
@ActiveProfiles("mysql")
class EveryProjectionRebuildMariaDbIT extends EveryProjectionRebuildContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-every-rebuild-it"));
    }
}
