/**
 * Axon wiring: the JDBC event store with its chain hook, command sending off the event loops, event JSON, and
 * the wake-up of tracking processors when an event is appended here or announced by another node.
 */
package io.agentworkspace.infrastructure.axon;
