/**
 * The Redis connections (Lettuce), one per logical database: cache, locks, console fan-out.
 */
package io.agentworkspace.infrastructure.redis;
