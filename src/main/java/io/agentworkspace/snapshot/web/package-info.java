/**
 * Snapshots and their retention over HTTP.
 */
package io.agentworkspace.snapshot.web;
