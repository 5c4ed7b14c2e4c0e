/**
 * Tokens, the caller's own token, browser sign-in and pairing over HTTP.
 */
package io.agentworkspace.auth.web;
