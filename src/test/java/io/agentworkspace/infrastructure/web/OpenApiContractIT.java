package io.agentworkspace.infrastructure.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;

/**
 * The API contract: the OpenAPI document the service serves equals the committed docs/openapi.json (so a change to
 * the API is a visible diff), every operation says its ability or that it is public, lists the problems it can give
 * with their types, and every problem type resolves to its documentation. Embedded profile: the document does not
 * depend on the profile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractIT {

    static final Path COMMITTED = Path.of("docs/openapi.json");
    static final String REGENERATE = "./mvnw -o -B -ntp verify -Dweb.skip=true -Dtest=none "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=OpenApiContractIT -Dopenapi.write=true";
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "openapi-it");
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    ConsoleEventService console;

    private WebTestClient admin;
    private JsonNode served;

    @BeforeEach
    void fetchTheDocument() {
        admin = AdminToken.authorize(anonymous, AdminToken.read(dataDirectory.root()));
        served = admin.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    @Test
    void theServedDocumentIsTheCommittedContract() throws Exception {
        String canonical = canonical(served);
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(COMMITTED, canonical, StandardCharsets.UTF_8);
            System.out.println("rewrote " + COMMITTED.toAbsolutePath() + ": review the diff and commit it");
            return;
        }
        assertThat(COMMITTED).as("the committed contract; create it with: " + REGENERATE).exists();
        JsonNode committed = CANONICAL.readTree(Files.readString(COMMITTED));
        List<String> differences = new ArrayList<>();
        diff("", committed, served, differences);
        assertThat(differences)
                .as("the served OpenAPI document differs from %s at these places (committed -> served). If the API "
                        + "change is intended, regenerate the file and commit it with the change:%n  %s%n",
                        COMMITTED, REGENERATE)
                .isEmpty();
        assertThat(Files.readString(COMMITTED)).as("pretty-printed in stable order; regenerate: " + REGENERATE)
                .isEqualTo(canonical);
    }

    @Test
    void everyOperationDeclaresItsAbilityOrThatItIsPublic() {
        Set<String> abilities = new HashSet<>();
        for (Ability ability : Ability.values()) {
            abilities.add(ability.wireName());
        }
        Set<String> ids = new HashSet<>();
        List<String> operations = new ArrayList<>();
        forEachOperation((name, operation) -> {
            operations.add(name);
            JsonNode ability = operation.get(ApiContract.REQUIRED_ABILITY);
            boolean declaredPublic = operation.path(ApiContract.PUBLIC).asBoolean(false);
            assertThat(ability != null ^ declaredPublic).as(name + ": an ability or public, not both").isTrue();
            if (ability != null) {
                assertThat(ability.asText()).as(name + " needs an ability tokens can hold")
                        .isIn(union(abilities, RequiredAbility.ANY_VALID_TOKEN));
                assertThat(operation.has("security")).as(name + " takes the document's token schemes").isFalse();
            } else {
                assertThat(operation.get("security")).as(name + " says how it authenticates instead").isNotNull();
            }
            String id = operation.path("operationId").asText("");
            assertThat(id).as(name + " has a readable operation id of its own (@Operation(operationId))")
                    .matches("[a-z][A-Za-z]+");
            assertThat(ids.add(id)).as(name + ": operation id " + id + " is unique").isTrue();
            assertThat(operation.path("summary").asText("")).as(name + " has a summary").isNotBlank();
        });
        assertThat(served.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(served.at("/components/securitySchemes/session/in").asText()).isEqualTo("cookie");
        assertThat(served.at("/components/securitySchemes/session/name").asText()).isEqualTo("aw_session");
        assertThat(operations).contains("POST /api/pair", "GET /api/channels/{channel}/events",
                "GET /api/console/stream", "POST /apps/{appId}/events", "POST /apps/{appId}/batch_events",
                "POST /apps/{appId}/users/{userId}/terminate_connections");
    }

    /** Public operations really take no token: anonymous calls get their own answers, never 401 unauthenticated. */
    @Test
    void publicOperationsAnswerWithoutAToken() {
        forEachOperation((name, operation) -> {
            if (!operation.path(ApiContract.PUBLIC).asBoolean(false)) {
                return;
            }
            String[] parts = name.split(" ", 2);
            String uri = parts[1].replace("{channel}", "presence-x").replaceAll("\\{[^}]+}", "x");
            JsonNode answer = anonymous.method(HttpMethod.valueOf(parts[0])).uri(uri)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(answer == null ? "" : answer.path("type").asText()).as(name + " without a token")
                    .isNotEqualTo("/problems/unauthenticated");
        });
    }

    @Test
    void everyOperationListsItsProblemsAndEachTypeResolvesToItsDocumentation() {
        Set<String> types = new TreeSet<>();
        forEachOperation((name, operation) -> {
            JsonNode responses = operation.path("responses");
            assertThat(problemTypes(responses.path("500"))).as(name + " can fail").contains("/problems/internal-error");
            JsonNode ability = operation.get(ApiContract.REQUIRED_ABILITY);
            if (ability != null) {
                assertThat(problemTypes(responses.path("401"))).as(name).contains("/problems/unauthenticated");
            }
            if (ability != null && !RequiredAbility.ANY_VALID_TOKEN.equals(ability.asText())) {
                assertThat(problemTypes(responses.path("403"))).as(name).contains("/problems/forbidden");
            }
            if (operation.has("requestBody")) {
                assertThat(problemTypes(responses.path("400"))).as(name).contains("/problems/malformed-request");
            }
            boolean success = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                int status = Integer.parseInt(response.getKey());
                if (status >= 400) {
                    Set<String> listed = problemTypes(response.getValue());
                    assertThat(listed).as(name + " " + status + " lists its problem types").isNotEmpty();
                    types.addAll(listed);
                } else {
                    success = true;
                }
            }
            assertThat(success).as(name + " says what it answers when it succeeds").isTrue();
        });
        for (String type : types) {
            String page = anonymous.get().uri(type).exchange().expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(page).as(type + " documents itself").contains(type);
        }
        anonymous.get().uri("/problems/no-such-problem").exchange().expectStatus().isNotFound();
    }

    /** A problem's type, as the service gives it, resolves against the request to the page that documents it. */
    @Test
    void aProblemsTypeResolvesToItsDocumentation() {
        JsonNode problem = admin.get().uri("/api/projects/not-a-uuid").exchange().expectStatus().isBadRequest()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String type = problem.path("type").asText();
        assertThat(type).isEqualTo("/problems/invalid-project-id");
        assertThat(anonymous.get().uri(java.net.URI.create("/api/projects/not-a-uuid").resolve(type).toString())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
                .contains("/problems/invalid-project-id").contains("400").contains("not a UUID");
        // the 413 every JSON body can give, as the document lists it
        admin.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"" + "x".repeat(300 * 1024) + "\"}").exchange()
                .expectStatus().isEqualTo(413).expectBody().jsonPath("$.type").isEqualTo("/problems/payload-too-large");
    }

    /** The polling page and its items are written by hand as bytes: they must keep the shape the document names. */
    @Test
    void thePollingPageHasTheDocumentedShape() {
        console.publish("openapi-probe", "probe", Map.of("n", 1)).block(java.time.Duration.ofSeconds(30));
        JsonNode page = admin.get().uri("/api/channels/openapi-probe/events?after=0").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(fieldNames(page)).isEqualTo(documentedFields("ConsoleWirePage"));
        assertThat(page.get("events")).hasSize(1);
        assertThat(fieldNames(page.get("events").get(0))).isEqualTo(documentedFields("ConsoleWireItem"));
    }

    private Set<String> documentedFields(String schema) {
        Set<String> names = new TreeSet<>();
        served.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(names::add);
        assertThat(names).as(schema + " is documented").isNotEmpty();
        return names;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private void forEachOperation(BiConsumer<String, JsonNode> check) {
        served.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey())) {
                check.accept(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
    }

    private Set<String> problemTypes(JsonNode response) {
        if (response.has("$ref")) {
            response = served.at(response.get("$ref").asText().substring(1));
        }
        Set<String> types = new TreeSet<>();
        response.path("content").path("application/problem+json").path("schema").path("allOf")
                .forEach(part -> part.path("properties").path("type").path("enum")
                        .forEach(type -> types.add(type.asText())));
        return types;
    }

    private static Set<String> union(Set<String> values, String more) {
        Set<String> all = new HashSet<>(values);
        all.add(more);
        return all;
    }

    static String canonical(JsonNode document) throws Exception {
        return CANONICAL.writeValueAsString(CANONICAL.convertValue(document, Object.class)) + "\n";
    }

    /** JSON pointers where the two documents differ, at most 40 of them. */
    private static void diff(String at, JsonNode committed, JsonNode served, List<String> differences) {
        if (differences.size() >= 40) {
            return;
        }
        if (committed.isObject() && served.isObject()) {
            Set<String> names = new TreeSet<>();
            committed.fieldNames().forEachRemaining(names::add);
            served.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String next = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!committed.has(name)) {
                    differences.add(next + ": (absent) -> " + abbreviate(served.get(name)));
                } else if (!served.has(name)) {
                    differences.add(next + ": " + abbreviate(committed.get(name)) + " -> (absent)");
                } else {
                    diff(next, committed.get(name), served.get(name), differences);
                }
            }
        } else if (committed.isArray() && served.isArray() && committed.size() == served.size()) {
            for (int i = 0; i < committed.size(); i++) {
                diff(at + "/" + i, committed.get(i), served.get(i), differences);
            }
        } else if (committed.isArray() && served.isArray()) {
            List<JsonNode> before = new ArrayList<>();
            committed.forEach(before::add);
            List<JsonNode> after = new ArrayList<>();
            served.forEach(after::add);
            before.stream().filter(item -> !after.contains(item))
                    .forEach(item -> differences.add(at + ": - " + abbreviate(item)));
            after.stream().filter(item -> !before.contains(item))
                    .forEach(item -> differences.add(at + ": + " + abbreviate(item)));
        } else if (!committed.equals(served)) {
            differences.add(at + ": " + abbreviate(committed) + " -> " + abbreviate(served));
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
