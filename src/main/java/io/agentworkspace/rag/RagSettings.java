package io.agentworkspace.rag;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code agent.rag.*}; docs/configuration.md explains each.
 *
 * @param embedder       {@code local} (deterministic feature hashing, no network) or {@code openai}
 * @param dimension      vector dimension of the embedder (sent to OpenAI as {@code dimensions})
 * @param indexOnClone   index a project's workspace as soon as it is cloned
 * @param indexThreads   index runs at once (runs of one project never overlap)
 * @param maxFileSize    larger files are not indexed
 */
@ConfigurationProperties("agent.rag")
record RagSettings(@DefaultValue("local") String embedder,
                   @DefaultValue("384") int dimension,
                   @DefaultValue("true") boolean indexOnClone,
                   @DefaultValue("1") int indexThreads,
                   @DefaultValue("1MB") DataSize maxFileSize,
                   @DefaultValue Chunking chunking,
                   @DefaultValue Search search,
                   @DefaultValue Cache cache,
                   @DefaultValue OpenAi openai) {

    /**
     * @param lines    lines per chunk at most
     * @param overlap  lines a chunk shares with the one before it
     * @param maxChars characters per chunk at most (long lines are cut)
     */
    record Chunking(@DefaultValue("60") int lines, @DefaultValue("10") int overlap,
                    @DefaultValue("4000") int maxChars) {
    }

    /**
     * @param threads       threads one search's scan is split across (and concurrent searches share)
     * @param maxQueryChars longest query accepted
     * @param maxK          most results one search may ask for
     * @param prefilter     skip rows through the int8 sketch bounds (exact either way; off scans every float)
     */
    record Search(@DefaultValue("2") int threads, @DefaultValue("16384") int maxQueryChars,
                  @DefaultValue("1000") int maxK, @DefaultValue("true") boolean prefilter) {
    }

    /** @param maxBytes vectors kept in memory across projects; the least recently searched project goes first */
    record Cache(@DefaultValue("0") DataSize maxBytes) {

        long limit() {
            return maxBytes.toBytes() > 0 ? maxBytes.toBytes() : Runtime.getRuntime().maxMemory() / 2;
        }
    }

    /**
     * @param apiKey              read through {@link EmbeddingCredentials}, never logged
     * @param sendDimensions      send {@code dimensions} (text-embedding-3 models); off for models of fixed size
     * @param maxInputsPerRequest inputs per embeddings request at most (the API allows 2048)
     * @param maxCharsPerRequest  characters per request at most (the API limits tokens per request)
     */
    record OpenAi(@DefaultValue("https://api.openai.com/v1") URI baseUrl,
                  @DefaultValue("") String apiKey,
                  @DefaultValue("") String apiKeySecret,
                  @DefaultValue("text-embedding-3-small") String model,
                  @DefaultValue("true") boolean sendDimensions,
                  @DefaultValue("512") int maxInputsPerRequest,
                  @DefaultValue("400000") int maxCharsPerRequest,
                  @DefaultValue("60s") Duration timeout,
                  @DefaultValue("6") int maxAttempts,
                  @DefaultValue("500ms") Duration initialBackoff,
                  @DefaultValue("30s") Duration maxBackoff) {

        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey.isEmpty() ? "unset" : "set") + "]";
        }
    }
}
