package io.agentworkspace.project;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.EmbeddedApp;

/** The project slice on the embedded default: H2 under a fresh data directory, in-process locks. */
// no index run on clone: the contract counts events around each request
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "agent.rag.index-on-clone=false")
class ProjectApiEmbeddedIT extends ProjectApiContract {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "embedded-it");
    }
}
