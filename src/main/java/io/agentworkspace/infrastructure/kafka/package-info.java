/**
 * The Kafka producer gateway (reactor-kafka) the history export writes through.
 */
package io.agentworkspace.infrastructure.kafka;
