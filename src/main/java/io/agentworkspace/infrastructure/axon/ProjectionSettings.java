package io.agentworkspace.infrastructure.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code agent.projections.*}: how the event processors that build read models run (Axon wiring, here) and how
 * they are watched and rebuilt (the projection module reads the same record).
 *
 * @param batchSize               events per projection transaction
 * @param tokenClaimIntervalMs    how often idle processors look for unclaimed segments
 * @param wakeOnAppend            processors are woken as soon as new events can be read, instead of Axon's re-poll
 *                                of a quiet store every 500 ms
 * @param progressIntervalMs      how often processor position and lag are sampled
 * @param rebuildBatchSize        events per transaction of a projection rebuild
 * @param rebuildMaxRate          events per second a rebuild may build at; 0 is unlimited
 * @param rebuildOutdated         at start, rebuild every rebuildable projection whose manifest version is newer
 */
@ConfigurationProperties("agent.projections")
public record ProjectionSettings(@DefaultValue("100") int batchSize,
                                 @DefaultValue("1000") long tokenClaimIntervalMs,
                                 @DefaultValue("true") boolean wakeOnAppend,
                                 @DefaultValue("1000") long progressIntervalMs,
                                 @DefaultValue("2000") int rebuildBatchSize,
                                 @DefaultValue("0") double rebuildMaxRate,
                                 @DefaultValue("true") boolean rebuildOutdated) {
}
