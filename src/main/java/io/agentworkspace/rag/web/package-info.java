/**
 * Workspace search and reindexing over HTTP.
 */
package io.agentworkspace.rag.web;
