package io.agentworkspace.rag;

import java.util.List;

/** The top-k chunks of a search, best first, with what was searched: the embedder and the chunks it had. */
public record SearchResult(String projectId, String embedder, int k, int indexedChunks, List<SearchHit> hits) {
}
