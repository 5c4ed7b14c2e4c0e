/**
 * Who may do what: personal access tokens with abilities (issued, listed, revoked as events), role presets, and
 * the bearer-token authentication every API request goes through.
 */
@ApplicationModule(allowedDependencies = {"infrastructure", "projection"})
@NonNullApi
package io.agentworkspace.auth;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
