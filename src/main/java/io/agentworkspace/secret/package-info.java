/**
 * Keeps provider API keys and other secrets server-side: envelope-encrypted, recorded as events that hold only
 * ciphertext, fingerprints and masked hints, and crypto-shredded on erase.
 */
@ApplicationModule(allowedDependencies = {"auth", "infrastructure", "projection"})
@NonNullApi
package io.agentworkspace.secret;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
