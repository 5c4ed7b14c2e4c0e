package io.agentworkspace.rag;

import java.util.Optional;

/**
 * Where the embeddings API key comes from. Configuration for now ({@code agent.rag.openai.api-key}); the secret
 * store replaces this bean when it exists. The key goes into the Authorization header and nowhere else.
 */
public interface EmbeddingCredentials {

    Optional<String> openAiApiKey();
}
