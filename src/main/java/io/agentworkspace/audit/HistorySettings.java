package io.agentworkspace.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param gapTimeout      how long a hole in the global index may stay open before readers and the chain treat it
 *                        as a rolled-back append and move past it (MariaDB/MySQL commit order is not index order)
 * @param chainInterval   how often the chainer looks for new events when idle
 * @param chainBatch      events chained per transaction
 * @param checkpointEvery a checkpoint every this many chained events
 * @param pollInterval    how often a live replay stream looks for new events
 * @param chainEnabled    whether this node chains (any number may: they take turns on a row lock)
 */
@ConfigurationProperties("agent.history")
record HistorySettings(@DefaultValue("5s") Duration gapTimeout,
                       @DefaultValue("200ms") Duration chainInterval,
                       @DefaultValue("1000") int chainBatch,
                       @DefaultValue("1000") int checkpointEvery,
                       @DefaultValue("250ms") Duration pollInterval,
                       @DefaultValue("true") boolean chainEnabled) {
}
