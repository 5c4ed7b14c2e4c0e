/**
 * Secrets over HTTP: set, list (masked), erase; never a value in a response.
 */
package io.agentworkspace.secret.web;
