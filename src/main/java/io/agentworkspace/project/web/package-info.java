/**
 * Project registration and listing over HTTP.
 */
package io.agentworkspace.project.web;
