/**
 * Serves the browser Control Center from the service itself: the single-page application that the build bundles
 * from {@code src/main/web} into the jar, its fingerprinted assets (cached for a year, sent precompressed), and
 * its page for every route of the application (never cached, so a new release is picked up at once).
 */
@ApplicationModule(allowedDependencies = {"auth", "console", "infrastructure"})
@NonNullApi
package io.agentworkspace.ui;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
