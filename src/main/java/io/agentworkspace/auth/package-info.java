/**
 * Who may do what: personal access tokens with abilities (issued, listed, revoked as events), role presets, and
 * the bearer-token authentication every API request goes through.
 */
@NonNullApi
package io.agentworkspace.auth;

import org.springframework.lang.NonNullApi;
