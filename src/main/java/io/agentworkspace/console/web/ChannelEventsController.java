package io.agentworkspace.console.web;

import java.util.List;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.console.ChannelAccess;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEvent;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.console.ConsoleMetrics;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Mono;

/**
 * Polling: the events of a channel after a cursor, and the cursor to ask with next. The fallback while a socket is
 * gone and the catch-up after it is back; ids are the same ids WebSocket and SSE deliver.
 */
@RestController
class ChannelEventsController {

    private final ConsoleFeed feed;
    private final ChannelAccess access;
    private final ConsoleMetrics metrics;

    ChannelEventsController(ConsoleFeed feed, ChannelAccess access, ConsoleMetrics metrics) {
        this.feed = feed;
        this.access = access;
        this.metrics = metrics;
    }

    /**
     * {@code after} omitted: the newest {@code limit} events. {@code after=0}: from the oldest retained event.
     * A cursor older than retention is refused with 410 and the cursor to restart from.
     */
    @GetMapping("/api/channels/{channel}/events")
    @PreAuthorize("hasAuthority('console:subscribe')")
    @Operation(operationId = "pollChannelEvents", summary = "Poll a channel's console events after a cursor",
            responses = @ApiResponse(responseCode = "200", description = "A page of events", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ConsoleWire.Page.class))))
    @ProblemTypes({"invalid-channel", "invalid-cursor", "cursor-in-future", "cursor-expired"})
    Mono<ResponseEntity<String>> events(@PathVariable String channel, @RequestParam(required = false) @Nullable String after,
                                        @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit,
                                        @AuthenticationPrincipal TokenPrincipal caller) {
        ConsoleChannels.requireValid(channel);
        access.checkRead(caller, channel);
        Long cursor = Cursors.parse(after, "after");
        // after=0 asks for the oldest retained events: nothing was promised before them, so nothing was missed
        Mono<List<ConsoleEvent>> page = cursor == null ? feed.tail(channel, limit)
                : feed.check(Set.of(channel), cursor).flatMap(resets -> resets.isEmpty() || cursor == 0
                        ? feed.page(channel, cursor, limit)
                        : Mono.error(new ConsoleProblems.CursorExpired(channel, resets.get(0).missedThrough())));
        return page.map(events -> {
            events.forEach(event -> metrics.delivered(ConsoleMetrics.Transport.POLL, event));
            long next = events.isEmpty() ? (cursor != null ? cursor : 0) : events.get(events.size() - 1).id();
            StringBuilder json = new StringBuilder(64 + events.size() * 256)
                    .append("{\"channel\":\"").append(channel).append("\",\"events\":[");
            for (int i = 0; i < events.size(); i++) {
                json.append(i == 0 ? "" : ",").append(events.get(i).itemJson());
            }
            json.append("],\"next\":").append(next).append(",\"more\":").append(events.size() == limit).append('}');
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .body(json.toString());
        });
    }
}
