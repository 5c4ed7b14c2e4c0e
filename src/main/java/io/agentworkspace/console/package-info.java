/**
 * The live console: one durable, ordered stream of console events per channel, published through
 * {@link io.agentworkspace.console.ConsoleEventService} and fanned out to WebSocket (Pusher protocol), SSE and
 * polling subscribers, resumable from any id.
 */
@ApplicationModule(allowedDependencies = {"auth", "infrastructure"})
@NonNullApi
package io.agentworkspace.console;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
