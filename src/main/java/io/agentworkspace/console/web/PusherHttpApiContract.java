package io.agentworkspace.console.web;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.agentworkspace.infrastructure.web.ApiContract;
import io.agentworkspace.infrastructure.web.ProblemCatalog;

/**
 * The Pusher HTTP API ({@link PusherHttpApi}) in the OpenAPI document. Reactor Netty serves it ahead of WebFlux, so
 * springdoc never sees it: its operations are written out here, with the signed query every request carries.
 */
@Configuration(proxyBeanMethods = false)
class PusherHttpApiContract {

    static final String SIGNATURE = "pusherSignature";
    private static final String TAG = "pusher-http-api";
    private static final List<String> SIGNED = List.of("unsigned-request", "invalid-signature", "stale-request",
            "invalid-query", "internal-error");

    /** Before {@link ApiContract}'s common problems, which must see these operations. */
    @Bean
    @Order(ApiContract.MODULE_OPERATIONS)
    OpenApiCustomizer pusherHttpApiOperations(ProblemCatalog catalog) {
        return document -> {
            if (document.getComponents() == null) {
                document.setComponents(new Components());
            }
            document.getComponents().addSecuritySchemes(SIGNATURE, new SecurityScheme()
                    .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.QUERY).name("auth_signature")
                    .description("Pusher's request signature, as the Pusher server SDKs compute it: `auth_signature "
                            + "= hex(HMAC-SHA256(app secret, METHOD + \"\\n\" + path + \"\\n\" + query))` over the "
                            + "other query parameters sorted by name (`auth_key`, `auth_timestamp` within "
                            + PusherHttpApi.MAX_SKEW.toSeconds() + " s of the server's clock, `auth_version=1.0`, "
                            + "`body_md5` = hex MD5 of the body for a POST). A signed request is accepted once."));
            if (document.getPaths() == null) {
                document.setPaths(new Paths());
            }
            Schema<?> event = new ObjectSchema()
                    .addProperty("name", new StringSchema().description("the event name (not `pusher:...`)"))
                    .addProperty("data", new StringSchema().description("the event's data, a string (usually JSON)"))
                    .addProperty("socket_id", new StringSchema().description("a connection not to send it to"));
            Schema<?> trigger = new ObjectSchema().description("An event for 1-" + PusherHttpApi.MAX_CHANNELS
                            + " channels (`channels`, or one `channel`).")
                    .addProperty("name", event.getProperties().get("name"))
                    .addProperty("data", event.getProperties().get("data"))
                    .addProperty("channels", new ArraySchema().items(new StringSchema()).minItems(1)
                            .maxItems(PusherHttpApi.MAX_CHANNELS))
                    .addProperty("channel", new StringSchema())
                    .addProperty("socket_id", event.getProperties().get("socket_id"))
                    .required(List.of("name", "data"));
            Schema<?> batchEvent = new ObjectSchema().addProperty("channel", new StringSchema())
                    .addProperty("name", event.getProperties().get("name"))
                    .addProperty("data", event.getProperties().get("data"))
                    .addProperty("socket_id", event.getProperties().get("socket_id"))
                    .required(List.of("channel", "name", "data"));
            Schema<?> figures = new ObjectSchema()
                    .addProperty("user_count", new IntegerSchema().description("with info=user_count"))
                    .addProperty("subscription_count", new IntegerSchema()
                            .description("with info=subscription_count"));
            Parameter info = new Parameter().in("query").name("info").required(false)
                    .description("comma-separated: `user_count` (presence channels), `subscription_count`")
                    .schema(new StringSchema());
            Parameter channel = path("channel", "a channel name");

            add(document.getPaths(), catalog, "/apps/{appId}/events", PathItem.HttpMethod.POST,
                    operation("pusherTriggerEvent", "Publish an event to channels", true, List.of())
                            .requestBody(json(trigger)),
                    ok(new ObjectSchema().addProperty("ids", new MapSchema().additionalProperties(new IntegerSchema())
                            .description("each channel's console log id of the event"))),
                    List.of("malformed-request", "invalid-channels", "invalid-channel", "invalid-event-name",
                            "payload-too-large", "replayed-request", "console-unavailable"));
            add(document.getPaths(), catalog, "/apps/{appId}/batch_events", PathItem.HttpMethod.POST,
                    operation("pusherTriggerBatch", "Publish 1-" + PusherHttpApi.MAX_BATCH + " events at once", true,
                            List.of()).requestBody(json(new ObjectSchema().addProperty("batch", new ArraySchema()
                            .items(batchEvent).minItems(1).maxItems(PusherHttpApi.MAX_BATCH))
                            .required(List.of("batch")))),
                    ok(new ObjectSchema().addProperty("batch", new ArraySchema().items(new ObjectSchema()
                            .addProperty("id", new IntegerSchema().description("the event's console log id"))))),
                    List.of("malformed-request", "invalid-batch", "invalid-channel", "invalid-event-name",
                            "payload-too-large", "replayed-request", "console-unavailable"));
            add(document.getPaths(), catalog, "/apps/{appId}/channels", PathItem.HttpMethod.GET,
                    operation("pusherListChannels", "List the occupied channels of every node", false, List.of(
                            new Parameter().in("query").name("filter_by_prefix").required(false)
                                    .description("only channels with this prefix (`presence-` for user_count)")
                                    .schema(new StringSchema()), info)),
                    ok(new ObjectSchema().addProperty("channels", new MapSchema().additionalProperties(figures))),
                    List.of("invalid-info"));
            add(document.getPaths(), catalog, "/apps/{appId}/channels/{channel}", PathItem.HttpMethod.GET,
                    operation("pusherGetChannel", "Tell whether a channel is occupied, and its figures", false,
                            List.of(channel, info)),
                    ok(new ObjectSchema().addProperty("occupied", new BooleanSchema())
                            .addProperty("user_count", figures.getProperties().get("user_count"))
                            .addProperty("subscription_count", figures.getProperties().get("subscription_count"))),
                    List.of("invalid-channel", "invalid-info"));
            add(document.getPaths(), catalog, "/apps/{appId}/channels/{channel}/users", PathItem.HttpMethod.GET,
                    operation("pusherListChannelUsers", "List the users of a presence channel", false,
                            List.of(channel)),
                    ok(new ObjectSchema().addProperty("users", new ArraySchema().items(new ObjectSchema()
                            .addProperty("id", new StringSchema())))),
                    List.of("invalid-channel", "not-a-presence-channel"));
            add(document.getPaths(), catalog, "/apps/{appId}/users/{userId}/terminate_connections",
                    PathItem.HttpMethod.POST,
                    operation("pusherTerminateUserConnections", "Close every connection of a user, on every node",
                            true, List.of(path("userId", "1-200 characters of A-Z a-z 0-9 _ - = @ , . ; :"))),
                    ok(new ObjectSchema()), List.of("invalid-user-id", "replayed-request", "payload-too-large"));
        };
    }

    private static Operation operation(String id, String summary, boolean withBody, List<Parameter> own) {
        List<Parameter> parameters = new ArrayList<>();
        parameters.add(path("appId", "the Pusher app id (`agent.console.pusher.app-id`)"));
        parameters.addAll(own);
        parameters.add(query("auth_key", "the Pusher key", new StringSchema()));
        parameters.add(query("auth_timestamp", "Unix seconds", new IntegerSchema()));
        parameters.add(query("auth_version", "always 1.0", new StringSchema()._enum(List.of("1.0"))));
        if (withBody) {
            parameters.add(query("body_md5", "hex MD5 of the body", new StringSchema()));
        }
        parameters.add(query("auth_signature", "see the pusherSignature scheme", new StringSchema()));
        Operation operation = new Operation().operationId(id).summary(summary).addTagsItem(TAG).parameters(parameters)
                .security(List.of(new SecurityRequirement().addList(SIGNATURE)));
        operation.addExtension(ApiContract.PUBLIC, true);
        return operation;
    }

    private static void add(Paths paths, ProblemCatalog catalog, String path, PathItem.HttpMethod method,
                            Operation operation, ApiResponse ok, List<String> problems) {
        operation.responses(new ApiResponses().addApiResponse("200", ok));
        List<String> types = new ArrayList<>(SIGNED);
        types.addAll(problems);
        ApiContract.addProblems(operation, catalog, types);
        PathItem item = paths.computeIfAbsent(path, ignored -> new PathItem());
        item.operation(method, operation);
    }

    private static Parameter path(String name, String description) {
        return new Parameter().in("path").name(name).required(true).description(description)
                .schema(new StringSchema());
    }

    private static Parameter query(String name, String description, Schema<?> schema) {
        return new Parameter().in("query").name(name).required(true).description(description).schema(schema);
    }

    private static RequestBody json(Schema<?> schema) {
        return new RequestBody().required(true).content(new Content().addMediaType("application/json",
                new MediaType().schema(schema)));
    }

    private static ApiResponse ok(Schema<?> schema) {
        return new ApiResponse().description("OK").content(new Content().addMediaType("application/json",
                new MediaType().schema(schema)));
    }
}
