/**
 * The history API for auditors: pages, NDJSON and SSE streams of events, chain verification.
 */
package io.agentworkspace.audit.web;
