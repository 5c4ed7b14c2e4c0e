package io.agentworkspace.rag;

import java.util.Optional;

import reactor.core.publisher.Mono;

/**
 * Where the embeddings API key comes from: the secret store when {@code agent.rag.openai.api-key-secret} names a
 * secret, otherwise configuration ({@code agent.rag.openai.api-key}). The key goes into the Authorization header
 * and nowhere else.
 */
public interface EmbeddingCredentials {

    /** Looked up on every batch of requests, so a rotated secret takes effect at once. */
    Mono<Optional<String>> openAiApiKey();
}
