package io.agentworkspace.infrastructure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The pool for blocking work called from reactive code ({@link BlockingWork}).
 *
 * @param threads at most this many calls at once
 * @param queue   calls that may wait for a thread; past it callers get an error, never a wait
 */
@ConfigurationProperties("agent.blocking")
public record BlockingSettings(@DefaultValue("16") int threads, @DefaultValue("10000") int queue) {
}
