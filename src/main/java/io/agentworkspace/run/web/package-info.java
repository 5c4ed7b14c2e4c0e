/**
 * Runs and queues over HTTP.
 */
package io.agentworkspace.run.web;
