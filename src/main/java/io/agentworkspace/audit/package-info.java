/**
 * The event history for auditors: the tamper-evident chain over every stored event and its verification, the
 * replay API (pages and a live stream), and the export of the history to Kafka.
 */
@ApplicationModule(allowedDependencies = {"auth", "infrastructure"})
@NonNullApi
package io.agentworkspace.audit;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
