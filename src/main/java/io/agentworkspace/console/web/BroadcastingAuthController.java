package io.agentworkspace.console.web;

import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.console.ChannelAccess;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.PusherCredentials;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Mono;

/**
 * Authorizes a Pusher connection to subscribe to a private or presence channel, as pusher-js and laravel-echo ask
 * it ({@code socket_id}, {@code channel_name}, form-encoded or JSON) with a bearer token that may read the channel.
 * The signed {@code channel_data} binds the subscription to the token, so it ends when the token stops working; an
 * optional {@code since} (an event id) makes the subscription resume after it.
 */
@RestController
class BroadcastingAuthController {

    private static final Pattern SOCKET_ID = Pattern.compile("[0-9]{1,19}\\.[0-9]{1,19}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Authorization(String auth, @Nullable @JsonProperty("channel_data") String channelData) {
    }

    private final PusherCredentials credentials;
    private final ChannelAccess access;

    BroadcastingAuthController(PusherCredentials credentials, ChannelAccess access) {
        this.credentials = credentials;
        this.access = access;
    }

    @PostMapping(path = "/broadcasting/auth", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    @PreAuthorize("hasAuthority('console:subscribe')")
    @Operation(hidden = true) // documented on authorizeJson(): the same operation in its other media type
    Mono<ResponseEntity<Authorization>> authorizeForm(ServerWebExchange exchange,
                                                      @AuthenticationPrincipal TokenPrincipal caller) {
        return exchange.getFormData().map(form -> authorize(single(form, "socket_id"), single(form, "channel_name"),
                single(form, "since"), caller));
    }

    @PostMapping(path = "/broadcasting/auth", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('console:subscribe')")
    // reactive method security needs a Publisher: a plain ResponseEntity made every JSON request a 500
    @Operation(operationId = "authorizeChannel",
            summary = "Sign a Pusher subscription to a private or presence channel",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
                            schema = @Schema(implementation = ConsoleWire.AuthorizationRequest.class)),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ConsoleWire.AuthorizationRequest.class))}))
    @ProblemTypes({"invalid-socket-id", "invalid-channel", "not-a-private-channel", "invalid-cursor"})
    Mono<ResponseEntity<Authorization>> authorizeJson(@RequestBody Map<String, Object> body,
                                                      @AuthenticationPrincipal TokenPrincipal caller) {
        return Mono.fromCallable(() -> authorize(text(body.get("socket_id")), text(body.get("channel_name")),
                text(body.get("since")), caller));
    }

    private ResponseEntity<Authorization> authorize(@Nullable String socketId, @Nullable String channel,
                                                    @Nullable String since, TokenPrincipal caller) {
        if (socketId == null || !SOCKET_ID.matcher(socketId).matches()) {
            throw RejectedCommand.invalid("invalid-socket-id", "socket_id", "socket_id must look like 123.456");
        }
        ConsoleChannels.requireValid(channel);
        if (!ConsoleChannels.needsAuthorization(channel)) {
            throw RejectedCommand.invalid("not-a-private-channel", "channel_name",
                    "only private- and presence- channels are authorized; public channels need no authorization");
        }
        access.checkRead(caller, channel);
        Long cursor = Cursors.parse(since, "since");
        ObjectNode data = JSON.createObjectNode();
        if (ConsoleChannels.isPresence(channel)) {
            data.put("user_id", caller.tokenId());
            data.putObject("user_info").put("name", caller.name());
        }
        data.put("token_id", caller.tokenId());
        if (cursor != null) {
            data.put("since", cursor);
        }
        String channelData = data.toString();
        String auth = PusherSignatures.channelAuth(credentials.key(), credentials.secret(), socketId, channel, channelData);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new Authorization(auth, channelData));
    }

    @Nullable
    private static String single(MultiValueMap<String, String> form, String name) {
        return form.getFirst(name);
    }

    @Nullable
    private static String text(@Nullable Object value) {
        return value == null ? null : value instanceof String string ? string : String.valueOf(value);
    }
}
