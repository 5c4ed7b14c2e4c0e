/**
 * The console's wire protocols: Pusher WebSocket and HTTP API, webhooks, presence, SSE and polling, with their
 * signatures, limits and handshake checks.
 */
package io.agentworkspace.console.web;
