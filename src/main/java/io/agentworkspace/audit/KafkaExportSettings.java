package io.agentworkspace.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled    export the history when Kafka is enabled
 * @param topic      the topic every event goes to, keyed by aggregate id
 * @param partitions partitions of the topic when the export creates it
 * @param batchSize  events per export batch (one token update per batch)
 * @param segments   segments of the export processor when its tokens are first made: each exports the aggregates
 *                   whose id falls in it, in order, on a worker of its own
 */
@ConfigurationProperties("agent.kafka.export")
record KafkaExportSettings(@DefaultValue("true") boolean enabled,
                           @DefaultValue("agent-workspace.events") String topic,
                           @DefaultValue("6") int partitions,
                           @DefaultValue("1000") int batchSize,
                           @DefaultValue("2") int segments) {
}
