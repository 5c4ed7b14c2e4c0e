/**
 * Read-only workspace browsing and the pull over HTTP.
 */
package io.agentworkspace.workspace.web;
