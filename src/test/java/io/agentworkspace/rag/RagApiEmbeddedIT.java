package io.agentworkspace.rag;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.EmbeddedApp;

/** RAG on the embedded default: H2 with binary embeddings. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "agent.rag.max-file-size=64KB")
class RagApiEmbeddedIT extends RagApiContract {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "rag-embedded-it");
    }
}
