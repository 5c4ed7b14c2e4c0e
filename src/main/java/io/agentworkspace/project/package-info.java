/**
 * Registers projects (git repositories) and keeps each one's workspace cloned.
 */
@NonNullApi
package io.agentworkspace.project;

import org.springframework.lang.NonNullApi;
