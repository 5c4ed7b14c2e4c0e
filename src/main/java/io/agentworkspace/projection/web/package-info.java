/**
 * Projection status and rebuilds over HTTP.
 */
package io.agentworkspace.projection.web;
