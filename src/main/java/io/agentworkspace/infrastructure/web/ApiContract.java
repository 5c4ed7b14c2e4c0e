package io.agentworkspace.infrastructure.web;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.jackson.TypeNameResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import jakarta.validation.Valid;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * The OpenAPI document ({@code /v3/api-docs}) as the API's contract: every operation says the ability it needs
 * ({@code x-required-ability}, read by {@link RequiredAbility}) or that it is public ({@code x-public}, with its own
 * {@code security}), and every problem it can give as {@code application/problem+json} responses whose {@code type}
 * is an enum of catalogue URIs ({@link ProblemCatalog}). The problems an operation gives because of its kind
 * (401 with a token, 403 with an ability or for a browser's change, 429 where the rate limits apply, malformed
 * parameters, a body's 400/413/415, broken constraints, 500 anywhere) are added here for all; the rest a handler
 * names with {@link ProblemTypes}. docs/openapi.json holds the committed copy (docs/api.md).
 */
@Configuration(proxyBeanMethods = false)
public class ApiContract {

    public static final String REQUIRED_ABILITY = "x-required-ability";
    /** The order of a module's customizer that adds operations: before {@link #commonProblems}, which is last. */
    public static final int MODULE_OPERATIONS = 0;
    public static final String PUBLIC = "x-public";
    static final String PROBLEM = "Problem";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Bean
    OpenAPI apiDocument() {
        return new OpenAPI()
                .info(new Info().title("Agent Workspace API").version("1")
                        .description("Runs AI coding agents on git workspaces and streams every run live. "
                                + "Errors are RFC 9457 problems; each `type` resolves to its documentation. "
                                + "See docs/api.md for how to use this contract."))
                // relative: the document describes whichever host serves it
                .servers(List.of(new Server().url("/")))
                .components(new Components().addSchemas(PROBLEM, problemSchema()));
    }

    /** Nested types are named with their enclosing type, so the several {@code Page}s and {@code Issued}s differ. */
    @Bean
    ModelResolver nestedTypeNames() {
        // a JsonNode (event payloads, console data) is any JSON value, not an object named JsonNode
        SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new Schema<>());
        return new ModelResolver(Json.mapper(), new NestedTypeNames());
    }

    /** Ability or public, and the problems the handler names or its validated parameters imply. */
    @Bean
    OperationCustomizer abilitiesAndHandlerProblems(ProblemCatalog catalog) {
        return (operation, handler) -> {
            RequiredAbility.rule(handler).ifPresentOrElse(
                    rule -> operation.addExtension(REQUIRED_ABILITY, RequiredAbility.declared(handler).orElseThrow(() ->
                            new IllegalStateException(handler + " has a rule that names no ability: " + rule))),
                    // deny-by-default refuses a handler without a rule unless a PublicEndpoints bean opens it
                    () -> {
                        operation.addExtension(PUBLIC, true);
                        operation.setSecurity(List.of());
                    });
            // the security firewall and the error handler stand before and behind every handler
            List<String> types = new ArrayList<>(List.of("rejected-request", "internal-error"));
            ProblemTypes named = handler.getMethodAnnotation(ProblemTypes.class);
            if (named != null) {
                types.addAll(List.of(named.value()));
            }
            types.addAll(inputProblems(handler));
            addProblems(operation, catalog, types);
            return operation;
        };
    }

    /**
     * The problems that follow from an operation's place (path, method) and its ability; then every response of a
     * single problem type (401, 500, ... the same everywhere) is shared through {@code components/responses}. Last,
     * after the modules have added their operations.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    OpenApiCustomizer commonProblems(ProblemCatalog catalog) {
        return document -> {
            document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach(
                    (method, operation) -> addProblems(operation, catalog, common(path, method, operation))));
            document.getPaths().values().forEach(item -> item.readOperations().forEach(operation ->
                    operation.getResponses().replaceAll((code, response) -> shared(document, response))));
        };
    }

    private static ApiResponse shared(OpenAPI document, ApiResponse response) {
        Set<String> types = problemTypes(response);
        if (types.size() != 1) {
            return response;
        }
        StringBuilder name = new StringBuilder();
        for (String word : types.iterator().next().substring("/problems/".length()).split("-")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        document.getComponents().addResponses(name.toString(), response);
        return new ApiResponse().$ref("#/components/responses/" + name);
    }

    /**
     * Adds problem responses for these types to the operation, one response per status, the types of each listed
     * as the enum of its {@code type}; a status already answered with problems gets the union.
     */
    public static void addProblems(Operation operation, ProblemCatalog catalog, Collection<String> types) {
        Map<Integer, Set<String>> byStatus = new TreeMap<>();
        for (String type : types) {
            ProblemCatalog.Entry entry = catalog.require(type);
            byStatus.computeIfAbsent(entry.status(), status -> new TreeSet<>()).add(entry.uri());
        }
        if (byStatus.isEmpty()) {
            return;
        }
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        byStatus.forEach((status, uris) -> {
            String code = Integer.toString(status);
            ApiResponse existing = operation.getResponses().get(code);
            Set<String> all = new TreeSet<>(uris);
            all.addAll(problemTypes(existing));
            ApiResponse response = new ApiResponse()
                    .description(existing != null && existing.getDescription() != null
                            && !existing.getDescription().isBlank() && problemTypes(existing).isEmpty()
                            ? existing.getDescription() : reason(status))
                    .content(new Content().addMediaType(Problems.PROBLEM_JSON.toString(), new MediaType().schema(
                            new Schema<>().allOf(List.of(new Schema<>().$ref(PROBLEM_REF), new ObjectSchema()
                                    .addProperty("type", new StringSchema()._enum(new ArrayList<>(all))))))));
            if (status == HttpStatus.TOO_MANY_REQUESTS.value() || status == HttpStatus.SERVICE_UNAVAILABLE.value()) {
                response.addHeaderObject("Retry-After", new Header().description("seconds to wait before retrying")
                        .schema(new IntegerSchema()));
            }
            operation.getResponses().addApiResponse(code, response);
        });
    }

    private static List<String> common(String path, PathItem.HttpMethod method, Operation operation) {
        List<String> types = new ArrayList<>();
        Object ability = operation.getExtensions() == null ? null : operation.getExtensions().get(REQUIRED_ABILITY);
        if (ability != null) {
            types.add("unauthenticated");
            if (!RequiredAbility.ANY_VALID_TOKEN.equals(ability)) {
                types.add("forbidden");
            }
            if (MUTATING.contains(method.name())) {
                types.add("csrf-token-invalid");
            }
        }
        if (HttpSettings.RateLimits.covers(path)) {
            types.add("too-many-requests");
        }
        return types;
    }

    /** Malformed input for a body or a parameter; a body also of the wrong size or type; a constraint broken. */
    private static Set<String> inputProblems(HandlerMethod handler) {
        Set<String> types = new TreeSet<>();
        for (MethodParameter parameter : handler.getMethodParameters()) {
            if (parameter.hasParameterAnnotation(RequestBody.class)) {
                types.addAll(List.of("malformed-request", "payload-too-large", "unsupported-media-type"));
            }
            if (parameter.hasParameterAnnotation(RequestParam.class)
                    || parameter.hasParameterAnnotation(RequestHeader.class)) {
                types.add("malformed-request");
            }
            for (Annotation annotation : parameter.getParameterAnnotations()) {
                if (annotation instanceof Valid
                        || annotation.annotationType().getPackageName().equals("jakarta.validation.constraints")) {
                    types.add("validation-failed");
                }
            }
        }
        return types;
    }

    private static Set<String> problemTypes(ApiResponse response) {
        if (response == null || response.getContent() == null) {
            return Set.of();
        }
        MediaType problem = response.getContent().get(Problems.PROBLEM_JSON.toString());
        if (problem == null || problem.getSchema() == null || problem.getSchema().getAllOf() == null) {
            return Set.of();
        }
        Set<String> types = new TreeSet<>();
        for (Object part : problem.getSchema().getAllOf()) {
            Schema<?> type = part instanceof Schema<?> schema && schema.getProperties() != null
                    ? schema.getProperties().get("type") : null;
            if (type != null && type.getEnum() != null) {
                type.getEnum().forEach(value -> types.add(String.valueOf(value)));
            }
        }
        return types;
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Error " + status;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Schema fieldError = new ObjectSchema().addProperty("field", new StringSchema())
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("An RFC 9457 problem. `type` is a stable identifier to branch on (a relative URI that "
                        + "resolves to its documentation); `detail` is for people.")
                .addProperty("type", new StringSchema().example("/problems/validation-failed"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errors", new ArraySchema().items(fieldError)
                        .description("the request fields at fault (validation problems)"))
                .addProperty("requiredAbility", new StringSchema().description("403: the ability the token lacks"))
                .addProperty("errorId", new StringSchema().description("500: quote it when reporting"))
                .addProperty("traceId", new StringSchema().pattern("^[0-9a-f]{32}$")
                        .description("the trace of the request (W3C trace id): its spans and log lines"))
                .additionalProperties(true)
                .required(List.of("type", "title", "status"));
    }

    private static final class NestedTypeNames extends TypeNameResolver {

        @Override
        protected String getNameOfClass(Class<?> type) {
            String name = super.getNameOfClass(type);
            Class<?> outer = type.getEnclosingClass();
            if (outer == null || !type.getName().startsWith("io.agentworkspace.")) {
                return name;
            }
            String prefix = outer.getSimpleName().replaceFirst("Controller$", "");
            return name.startsWith(prefix) ? name : prefix + name;
        }
    }
}
