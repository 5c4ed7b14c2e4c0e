/**
 * Thin shared infrastructure: the SQL connections, Axon wiring, Redis, Kafka, the event catalogue and HTTP errors.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
@NonNullApi
package io.agentworkspace.infrastructure;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
