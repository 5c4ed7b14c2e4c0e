package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.workspace.Workspaces;

/**
 * The project registration slice over real HTTP, run against each database profile by its subclasses:
 * register -> ProjectRegistered -> clone -> read model -> GET, and every kind of bad input refused with a
 * problem+json and no event written.
 */
abstract class ProjectApiContract {

    @Autowired
    WebTestClient http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Workspaces workspaces;

    @TempDir
    static Path scratch;

    @Autowired
    DataDirectory dataDirectory;

    @BeforeEach
    void asAdmin() {
        http = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
    }

    @Test
    void registersALocalRepositoryAndClonesItsWorkspaceWithinFiveSeconds() throws Exception {
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo-" + UUID.randomUUID()), 3);
        String name = "billing-" + UUID.randomUUID();

        long started = System.nanoTime();
        JsonNode registration = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "localPath", repo.path().toString()))
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/projects/[0-9a-f-]{36}")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String id = registration.get("id").asText();

        JsonNode project = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> fetch(id), body -> body != null && "ready".equals(body.at("/workspace/status").asText()));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        assertThat(project.get("name").asText()).isEqualTo(name);
        assertThat(project.at("/source/kind").asText()).isEqualTo("local-path");
        assertThat(project.at("/workspace/headCommit").asText()).isEqualTo(repo.headCommit());
        assertThat(project.at("/workspace/branch").asText()).isEqualTo("main");
        Path workspace = workspaces.of(id);
        assertThat(workspace.resolve("file-3.txt")).hasContent("line 3");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace)))
                .as("a workspace is the owner's alone").isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDirectory.root()))).isEqualTo("rwx------");
        assertThat(workspace.resolve("src/nested/Main.java")).exists();

        JsonNode page = http.get().uri("/api/projects?limit=500").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(page.get("items").findValuesAsText("id")).contains(id);
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void recordsAFailedCloneWithItsReason() {
        String name = "unreachable-" + UUID.randomUUID();
        // .invalid never resolves (RFC 2606): the registration passes, the clone fails
        String id = register(Map.of("name", name, "gitUrl", "https://nowhere.invalid/nowhere/repo.git"));

        JsonNode project = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> fetch(id), body -> body != null && "clone_failed".equals(body.at("/workspace/status").asText()));
        // one generic reason, whatever went wrong: registration must not scan what the server can reach
        assertThat(project.at("/workspace/failureReason").asText()).isEqualTo(WorkspaceCloner.GENERIC_FAILURE)
                .doesNotContain("nowhere.invalid").doesNotContain("Exception");
        assertThat(workspaces.of(id)).doesNotExist();
    }

    @Test
    void aNameIsTakenRegardlessOfCaseAndNothingIsWrittenForTheSecondClaim() {
        String name = "Duplicate-" + UUID.randomUUID();
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("dup-" + UUID.randomUUID()), 1);
        String first = register(Map.of("name", name, "localPath", repo.path().toString()));
        awaitSettled(first);
        long events = eventCount();

        JsonNode problem = expectProblem(http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "  " + name.toUpperCase() + " ", "localPath", repo.path().toString()))
                .exchange(), HttpStatus.CONFLICT);
        assertThat(problem.get("type").asText()).isEqualTo("/problems/project-name-taken");
        assertThat(eventCount()).isEqualTo(events);
    }

    static Stream<Arguments> badRegistrations() {
        String notARepo = scratch.resolve("plain-dir").toString();
        return Stream.of(
                Arguments.of("blank name", "{\"name\":\"   \",\"gitUrl\":\"https://example.com/a/b.git\"}", 400, "name"),
                Arguments.of("missing name", "{\"gitUrl\":\"https://example.com/a/b.git\"}", 400, "name"),
                Arguments.of("name over 200 characters", "{\"name\":\"" + "n".repeat(201) + "\",\"gitUrl\":\"https://example.com/a/b.git\"}", 400, "name"),
                Arguments.of("name with control characters", "{\"name\":\"evil\\u0000name\",\"gitUrl\":\"https://example.com/a/b.git\"}", 400, "name"),
                Arguments.of("malformed URL", "{\"name\":\"x1\",\"gitUrl\":\"ht!tp://exa mple.com\"}", 400, "gitUrl"),
                Arguments.of("URL without a repository path", "{\"name\":\"x2\",\"gitUrl\":\"https://example.com\"}", 400, "gitUrl"),
                Arguments.of("file URL", "{\"name\":\"x3\",\"gitUrl\":\"file:///etc\"}", 400, "gitUrl"),
                Arguments.of("URL with credentials", "{\"name\":\"x4\",\"gitUrl\":\"https://user:hunter2@example.com/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("URL with a user name (a token)", "{\"name\":\"x4b\",\"gitUrl\":\"https://ghp_token@example.com/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("loopback address", "{\"name\":\"s1\",\"gitUrl\":\"https://127.0.0.1/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("a name that resolves to loopback", "{\"name\":\"s2\",\"gitUrl\":\"https://localhost:8080/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("IPv6 loopback", "{\"name\":\"s3\",\"gitUrl\":\"https://[::1]/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("IPv4-mapped IPv6 loopback", "{\"name\":\"s4\",\"gitUrl\":\"https://[::ffff:127.0.0.1]/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("link-local metadata address", "{\"name\":\"s5\",\"gitUrl\":\"https://169.254.169.254/latest/meta-data.git\"}", 400, "gitUrl"),
                Arguments.of("private network", "{\"name\":\"s6\",\"gitUrl\":\"https://10.1.2.3/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("private network 192.168", "{\"name\":\"s7\",\"gitUrl\":\"https://192.168.0.10/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("cleartext http", "{\"name\":\"s8\",\"gitUrl\":\"http://example.com/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("git protocol", "{\"name\":\"s9\",\"gitUrl\":\"git://example.com/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("ssh when not enabled", "{\"name\":\"s10\",\"gitUrl\":\"ssh://git@example.com/a/b.git\"}", 400, "gitUrl"),
                Arguments.of("scp-like ssh when not enabled", "{\"name\":\"s11\",\"gitUrl\":\"git@example.com:a/b.git\"}", 400, "gitUrl"),
                Arguments.of("local path outside the allowed roots", "{\"name\":\"s12\",\"localPath\":\"/usr\"}", 400, "localPath"),
                Arguments.of("both sources", "{\"name\":\"x5\",\"gitUrl\":\"https://example.com/a/b.git\",\"localPath\":\"/tmp\"}", 400, "gitUrl"),
                Arguments.of("no source", "{\"name\":\"x6\"}", 400, "gitUrl"),
                Arguments.of("relative local path", "{\"name\":\"x7\",\"localPath\":\"repos/mine\"}", 400, "localPath"),
                Arguments.of("local path that does not exist", "{\"name\":\"x8\",\"localPath\":\"/no/such/dir/anywhere\"}", 400, "localPath"),
                Arguments.of("local path that is not a git repository", "{\"name\":\"x9\",\"localPath\":\"" + notARepo + "\"}", 400, "localPath"),
                Arguments.of("malformed JSON", "{\"name\": \"x10\", ", 400, null),
                Arguments.of("JSON of the wrong shape", "[1,2,3]", 400, null),
                Arguments.of("empty body", "", 400, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistrations")
    void badRegistrationIsRefusedWithAProblemAndWritesNoEvent(String label, String body, int status, String field)
            throws Exception {
        Files.createDirectories(scratch.resolve("plain-dir"));
        awaitNoCloneInFlight();
        long events = eventCount();

        JsonNode problem = expectProblem(http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange(), HttpStatus.valueOf(status));
        if (field != null) {
            assertThat(problem.get("errors").findValuesAsText("field")).as(label).contains(field);
        }
        assertThat(eventCount()).as("events written for: " + label).isEqualTo(events);
    }

    @Test
    void wrongContentTypeIsRefusedWith415() {
        long events = eventCount();
        expectProblem(http.post().uri("/api/projects").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("name=x&gitUrl=https://example.com/a/b.git").exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void readErrorsAreProblemsToo() {
        expectProblem(http.get().uri("/api/projects/" + UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND);
        JsonNode badId = expectProblem(http.get().uri("/api/projects/not-a-uuid").exchange(), HttpStatus.BAD_REQUEST);
        assertThat(badId.get("errors").findValuesAsText("field")).containsExactly("id");
        expectProblem(http.get().uri("/api/projects?limit=0").exchange(), HttpStatus.BAD_REQUEST);
        expectProblem(http.get().uri("/api/projects?limit=abc").exchange(), HttpStatus.BAD_REQUEST);
        expectProblem(http.get().uri("/api/no-such-route").exchange(), HttpStatus.NOT_FOUND);
        expectProblem(http.delete().uri("/api/projects").exchange(), HttpStatus.METHOD_NOT_ALLOWED);
    }

    String register(Map<String, String> body) {
        return http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
    }

    JsonNode fetch(String id) {
        return http.get().uri("/api/projects/" + id).exchange()
                .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(10));
    }

    void awaitSettled(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fetch(id),
                body -> body != null && body.has("workspace") && !"cloning".equals(body.at("/workspace/status").asText()));
    }

    void awaitNoCloneInFlight() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Integer pendingInModel = jdbc.queryForObject("SELECT COUNT(*) FROM projects WHERE status = 'cloning'", Integer.class);
            Integer registered = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType = ?",
                    Integer.class, ProjectRegistered.class.getName());
            Integer projected = jdbc.queryForObject("SELECT COUNT(*) FROM projects", Integer.class);
            return pendingInModel == 0 && registered.equals(projected);
        });
    }

    long eventCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
    }

    static JsonNode expectProblem(WebTestClient.ResponseSpec response, HttpStatus status) {
        JsonNode body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("status").asInt()).isEqualTo(status.value());
        assertThat(body.get("type").asText()).startsWith("/problems/");
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.toString()).doesNotContain("\tat ", "Exception", "org.springframework", "java.lang", "SQL");
        return body;
    }

    static List<String> texts(JsonNode array) {
        return array.findValuesAsText("field");
    }
}
