package io.agentworkspace.rag;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** RAG on the embedded default: H2 with binary embeddings. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "agent.rag.max-file-size=64KB")
class RagApiEmbeddedIT extends RagApiContract {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("agent-rag-embedded-it");
        registry.add("agent.data-dir", dataDir::toString);
    }
}
