package io.agentworkspace.rag;

/** One chunk found by a search: where it is, how similar it is (cosine, -1..1), and its text. */
public record SearchHit(long id, String path, int startLine, int endLine, double score, String text) {
}
