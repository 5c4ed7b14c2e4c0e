package io.agentworkspace.project;

import java.nio.file.Files;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/** The project slice on the production profile: real MariaDB (event store + read model) and Redis locks. */
// no index run on clone: the contract counts events around each request
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "agent.rag.index-on-clone=false")
@ActiveProfiles("mysql")
class ProjectApiMariaDbIT extends ProjectApiContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-mariadb-it"));
    }
}
