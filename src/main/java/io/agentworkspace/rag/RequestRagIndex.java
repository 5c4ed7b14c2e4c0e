package io.agentworkspace.rag;

record RequestRagIndex(String runId, String projectId, String reason, String requestedBy) {
}
