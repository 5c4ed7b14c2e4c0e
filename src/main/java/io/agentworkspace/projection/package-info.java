/**
 * Runs the projections that build read models from the event history, and reports how far each one has got.
 */
@ApplicationModule(allowedDependencies = {"infrastructure"})
@NonNullApi
package io.agentworkspace.projection;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
