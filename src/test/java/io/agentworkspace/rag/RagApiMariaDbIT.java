package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/** RAG on the production profile: MariaDB, embeddings in a JSON column. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "agent.rag.max-file-size=64KB")
@ActiveProfiles("mysql")
class RagApiMariaDbIT extends RagApiContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-rag-mariadb-it"));
    }

    @Test
    void embeddingsAreJsonArraysTheDatabaseCanRead() throws Exception {
        String id = registerIndexed();
        assertThat(jdbc.queryForList("SELECT DISTINCT JSON_LENGTH(embedding) FROM rag_chunks WHERE project_id = ?",
                Integer.class, id)).containsExactly(384);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rag_chunks WHERE project_id = ? AND JSON_VALID(embedding) = 0",
                Integer.class, id)).isZero();
    }
}
