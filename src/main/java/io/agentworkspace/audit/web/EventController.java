package io.agentworkspace.audit.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.audit.AuditedEvent;
import io.agentworkspace.audit.ChainVerification;
import io.agentworkspace.audit.EventLog;
import io.agentworkspace.audit.EventQuery;
import io.agentworkspace.auth.ApiTokens;
import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The history for auditors: pages, a live stream (NDJSON or SSE), the chain's verification and checkpoints. */
@RestController
@RequestMapping("/api/events")
class EventController {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final EventLog log;
    private final ChainVerification verification;
    private final ApiTokens tokens;
    private final BlockingWork blocking;
    private final ObjectMapper json;

    EventController(EventLog log, ChainVerification verification, ApiTokens tokens, BlockingWork blocking,
                    ObjectMapper json) {
        this.json = json.copy().disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.log = log;
        this.verification = verification;
        this.tokens = tokens;
        this.blocking = blocking;
    }

    @GetMapping
    @PreAuthorize("hasAuthority('events:read')")
    @Operation(operationId = "listEvents", summary = "A page of the event history, filtered")
    @ProblemTypes({"invalid-position", "invalid-limit", "invalid-event-filter", "invalid-time-range"})
    Mono<EventLog.Page> page(@RequestParam(required = false) String after, @RequestParam(required = false) String aggregate,
                             @RequestParam(required = false) String type, @RequestParam(required = false) String from,
                             @RequestParam(required = false) String to, @RequestParam(required = false) String limit) {
        return log.pageAsync(EventQuery.parse(after, aggregate, type, from, to, limit));
    }

    /** Written a page of lines at a time: one write and flush per page, not per event. */
    @GetMapping(value = "/stream", produces = MediaType.APPLICATION_NDJSON_VALUE)
    @PreAuthorize("hasAuthority('events:read')")
    @Operation(hidden = true) // documented on sse(): the same operation in its other media type
    Flux<DataBuffer> ndjson(@RequestParam(required = false) String after, @RequestParam(required = false) String aggregate,
                              @RequestParam(required = false) String type, @RequestParam(required = false) String from,
                              @RequestParam(required = false) String to, @RequestParam(defaultValue = "true") boolean follow,
                              @AuthenticationPrincipal TokenPrincipal caller) {
        EventQuery query = EventQuery.parse(after, aggregate, type, from, to, null);
        return log.pages(query, follow)
                .map(this::lines)
                .takeUntilOther(tokens.invalidation(caller.tokenId()));
    }

    @GetMapping(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @PreAuthorize("hasAuthority('events:read')")
    @Operation(operationId = "streamEvents",
            summary = "Stream the event history, then the new events as they are stored (SSE or NDJSON)",
            responses = @ApiResponse(responseCode = "200", description = "One event per SSE message (`id:` its "
                    + "chain position, `event:` its type's simple name, `data:` the event; `: heartbeat` comments "
                    + "while following) or per NDJSON line", content = {
                    @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(implementation = AuditedEvent.class)),
                    @Content(mediaType = MediaType.APPLICATION_NDJSON_VALUE,
                            schema = @Schema(implementation = AuditedEvent.class))}))
    @ProblemTypes({"invalid-position", "invalid-event-filter", "invalid-time-range"})
    Flux<ServerSentEvent<AuditedEvent>> sse(@RequestParam(required = false) String after,
                                            @RequestParam(required = false) String aggregate,
                                            @RequestParam(required = false) String type,
                                            @RequestParam(required = false) String from,
                                            @RequestParam(required = false) String to,
                                            @RequestParam(defaultValue = "true") boolean follow,
                                            @RequestHeader(value = "Last-Event-ID", required = false) @Nullable String lastEventId,
                                            @AuthenticationPrincipal TokenPrincipal caller) {
        String resumeAfter = lastEventId != null ? lastEventId : after;
        EventQuery query = EventQuery.parse(resumeAfter, aggregate, type, from, to, null);
        Flux<ServerSentEvent<AuditedEvent>> events = log.stream(query, follow)
                .map(event -> ServerSentEvent.builder(event).id(Long.toString(event.position()))
                        .event(simpleName(event.type())).build());
        Flux<ServerSentEvent<AuditedEvent>> heartbeats = Polling.every(HEARTBEAT,
                () -> Mono.just(ServerSentEvent.<AuditedEvent>builder().comment("heartbeat").build()));
        Flux<ServerSentEvent<AuditedEvent>> stream = follow ? events.mergeWith(heartbeats) : events;
        return stream.takeUntilOther(tokens.invalidation(caller.tokenId()));
    }

    @GetMapping("/chain/verification")
    @PreAuthorize("hasAuthority('events:read')")
    @Operation(operationId = "verifyEventChain",
            summary = "Verify the hash chain of the event history, optionally against kept checkpoints")
    @ProblemTypes("invalid-checkpoint")
    Mono<ChainVerification.Report> verify(@RequestParam(required = false) List<String> checkpoint) {
        List<ChainVerification.Checkpoint> kept = checkpoint == null ? List.of()
                : checkpoint.stream().map(ChainVerification.Checkpoint::parse).toList();
        return blocking.call(() -> verification.verify(kept, verified -> { }));
    }

    @GetMapping("/chain/checkpoints")
    @PreAuthorize("hasAuthority('events:read')")
    @Operation(operationId = "listChainCheckpoints", summary = "List the chain's checkpoints, to keep elsewhere")
    @ProblemTypes({"invalid-position", "invalid-limit"})
    Mono<List<ChainVerification.StoredCheckpoint>> checkpoints(@RequestParam(required = false) String after,
                                                                @RequestParam(required = false) String limit) {
        long afterSeq = EventQuery.position("after", after);
        int size = EventQuery.parse(null, null, null, null, null, limit).limit();
        return blocking.call(() -> verification.checkpoints(afterSeq, size));
    }

    private DataBuffer lines(List<AuditedEvent> events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(events.size() * 512);
        try {
            for (AuditedEvent event : events) {
                json.writeValue(bytes, event);
                bytes.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DefaultDataBufferFactory.sharedInstance.wrap(bytes.toByteArray());
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
