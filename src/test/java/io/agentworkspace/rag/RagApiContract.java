package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.Polling;
import io.agentworkspace.workspace.Workspaces;

/**
 * RAG over real HTTP on each database profile (subclasses): a cloned workspace is indexed on its own (ignore rules,
 * binaries and large files respected), search finds files by their content, a reindex after changing three files
 * and deleting one re-embeds only those three and removes the deleted file's chunks, bad input gets 4xx problems,
 * tokens need the right abilities, and the agent tool answers like the API.
 */
abstract class RagApiContract {

    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    WebTestClient http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Workspaces workspaces;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    TokenIssuance tokens;
    @Autowired
    MeterRegistry meters;
    @Autowired
    RagSearchTool tool;
    @Autowired
    RagIndexing indexing;

    @TempDir
    static Path scratch;

    WebTestClient admin;

    @BeforeEach
    void asAdmin() {
        admin = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
    }

    @Test
    void indexesAClonedWorkspaceRespectingIgnoreRulesAndFindsFilesByContent() throws Exception {
        String id = registerIndexed();
        JsonNode firstRun = runs(id).get(0);
        assertThat(firstRun.get("reason").asText()).isEqualTo("workspace-cloned");
        assertThat(firstRun.at("/counts/filesChanged").asInt()).as("ten text files not ignored").isEqualTo(10);
        assertThat(firstRun.at("/counts/chunksTotal").asInt()).isEqualTo(firstRun.at("/counts/chunksEmbedded").asInt()
                + firstRun.at("/counts/chunksReused").asInt());

        JsonNode result = search(id, Map.of("query", "invoice ledger reconciliation", "k", 3));
        assertThat(result.get("hits").get(0).get("path").asText()).isEqualTo("src/billing/Ledger.java");
        assertThat(result.get("hits").get(0).get("text").asText()).contains("reconcileInvoiceLedger");
        assertThat(result.get("hits").get(0).get("startLine").asInt()).isEqualTo(1);
        assertThat(result.get("embedder").asText()).isEqualTo("local-hash-v1/384");

        List<String> indexed = jdbc.queryForList("SELECT DISTINCT path FROM rag_chunks WHERE project_id = ?",
                String.class, id);
        assertThat(indexed).contains("README.md", "src/billing/Ledger.java", "docs/keep.log", "src/app/main.py")
                .doesNotContain("build/generated.java", "debug.log", "docs/notes.tmp", "assets/logo.bin",
                        "big.txt", ".gitignore.bak");
        JsonNode scoped = search(id, Map.of("query", "invoice ledger reconciliation", "k", 5, "pathPrefix", "src/app/"));
        scoped.get("hits").forEach(hit -> assertThat(hit.get("path").asText()).startsWith("src/app/"));
        assertThat(scoped.get("hits")).isNotEmpty();
    }

    @Test
    void reindexAfterChangingThreeFilesReembedsOnlyThemAndDropsTheDeletedFile() throws Exception {
        String id = registerIndexed();
        Map<String, List<Long>> before = chunkIdsByPath(id);
        Path workspace = workspaces.of(id);
        Files.writeString(workspace.resolve("src/billing/Ledger.java"), ledger() + "\n// audit trail for quarterly closing\n");
        Files.writeString(workspace.resolve("src/app/main.py"), "def main():\n    print('penguin migration tracker')\n");
        Files.writeString(workspace.resolve("README.md"), "# Billing\n\nNow with a walrus census.\n");
        Files.delete(workspace.resolve("docs/guide.md"));
        // what an agent leaves behind that git ignores: never indexed
        write(workspace, "build/generated.java", "class Generated { void reconcileInvoiceLedger() {} }\n");
        write(workspace, "debug.log", "ignored invoice ledger reconciliation\n");
        write(workspace, "docs/notes.tmp", "ignored by the nested .gitignore\n");
        double embeddedBefore = embeddedCounter();

        JsonNode run = reindexAndWait(id);
        assertThat(run.get("reason").asText()).isEqualTo("api");
        assertThat(run.at("/counts/filesChanged").asInt()).isEqualTo(3);
        assertThat(run.at("/counts/filesDeleted").asInt()).isEqualTo(1);
        Map<String, List<Long>> after = chunkIdsByPath(id);
        int chunksOfChanged = after.get("src/billing/Ledger.java").size() + after.get("src/app/main.py").size()
                + after.get("README.md").size();
        assertThat(run.at("/counts/chunksEmbedded").asInt() + run.at("/counts/chunksReused").asInt())
                .as("every chunk of the three changed files, and no other").isEqualTo(chunksOfChanged);
        assertThat(run.at("/counts/chunksEmbedded").asInt()).isBetween(3, chunksOfChanged);
        assertThat(embeddedCounter() - embeddedBefore).as("texts sent to the embedder")
                .isEqualTo(run.at("/counts/chunksEmbedded").asDouble());
        int removed = before.get("src/billing/Ledger.java").size() + before.get("src/app/main.py").size()
                + before.get("README.md").size() + before.get("docs/guide.md").size();
        assertThat(run.at("/counts/chunksDeleted").asInt()).isEqualTo(removed);
        assertThat(after).doesNotContainKey("docs/guide.md").doesNotContainKeys("build/generated.java", "debug.log",
                "docs/notes.tmp");
        for (String untouched : List.of("src/util/strings.go", "docs/keep.log", "src/app/helpers.py", "Makefile")) {
            assertThat(after.get(untouched)).as("chunk ids of unchanged " + untouched).isEqualTo(before.get(untouched));
        }
        assertThat(run.at("/counts/chunksTotal").asInt()).isEqualTo(after.values().stream().mapToInt(List::size).sum());

        JsonNode penguin = search(id, Map.of("query", "penguin migration tracker", "k", 1));
        assertThat(penguin.at("/hits/0/path").asText()).isEqualTo("src/app/main.py");
        JsonNode guide = search(id, Map.of("query", "installation guide walkthrough chapters", "k", 20));
        guide.get("hits").forEach(hit -> assertThat(hit.get("path").asText()).isNotEqualTo("docs/guide.md"));

        JsonNode again = reindexAndWait(id);
        assertThat(again.at("/counts/filesChanged").asInt()).isZero();
        assertThat(again.at("/counts/chunksEmbedded").asInt()).isZero();
        assertThat(chunkIdsByPath(id)).isEqualTo(after);
    }

    @Test
    void badInputIsRefusedWithProblems() throws Exception {
        String id = registerIndexed();
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"k\":0}"), HttpStatus.BAD_REQUEST, "k");
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"k\":-3}"), HttpStatus.BAD_REQUEST, "k");
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"k\":1001}"), HttpStatus.BAD_REQUEST, "k");
        expectProblem(searchRaw(id, "{\"k\":5}"), HttpStatus.BAD_REQUEST, "query");
        expectProblem(searchRaw(id, "{\"query\":\"   \"}"), HttpStatus.BAD_REQUEST, "query");
        expectProblem(searchRaw(id, JSON.writeValueAsString(Map.of("query", "a".repeat(100 * 1024)))),
                HttpStatus.BAD_REQUEST, "query");
        assertThat(searchRaw(id, JSON.writeValueAsString(Map.of("query", "a".repeat(1024 * 1024)))).expectStatus()
                .is4xxClientError().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("status").asInt()).isBetween(400, 413);
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"pathPrefix\":\"../etc\"}"), HttpStatus.BAD_REQUEST, "pathPrefix");
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"pathPrefix\":\"/etc\"}"), HttpStatus.BAD_REQUEST, "pathPrefix");
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"pathPrefix\":\"a\\u0000b\"}"), HttpStatus.BAD_REQUEST, "pathPrefix");
        expectProblem(searchRaw(id, "{\"query\":\"x\",\"k\":\"ten\"}"), HttpStatus.BAD_REQUEST, null);
        expectProblem(searchRaw(id, "{\"query\":"), HttpStatus.BAD_REQUEST, null);
        JsonNode unknown = expectProblem(searchRaw(UUID.randomUUID().toString(), "{\"query\":\"x\"}"),
                HttpStatus.NOT_FOUND, null);
        assertThat(unknown.get("type").asText()).isEqualTo("/problems/project-not-found");
        expectProblem(searchRaw("not-a-uuid", "{\"query\":\"x\"}"), HttpStatus.BAD_REQUEST, "id");
        expectProblem(admin.post().uri("/api/projects/" + UUID.randomUUID() + "/rag/reindex").exchange(),
                HttpStatus.NOT_FOUND, null);
        expectProblem(admin.get().uri("/api/projects/" + id + "/rag/runs/" + UUID.randomUUID()).exchange(),
                HttpStatus.NOT_FOUND, null);
        expectProblem(admin.post().uri("/api/projects/" + id + "/search").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("query=x").exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, null);
    }

    @Test
    void everyEndpointNeedsATokenWithTheRightAbility() throws Exception {
        String id = registerIndexed();
        String body = "{\"query\":\"ledger\"}";
        expectProblem(http.post().uri("/api/projects/" + id + "/search").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange(), HttpStatus.UNAUTHORIZED, null);
        expectProblem(http.post().uri("/api/projects/" + id + "/rag/reindex").exchange(), HttpStatus.UNAUTHORIZED, null);
        expectProblem(http.get().uri("/api/projects/" + id + "/rag/runs").exchange(), HttpStatus.UNAUTHORIZED, null);
        expectProblem(http.post().uri("/api/rag/reindex").exchange(), HttpStatus.UNAUTHORIZED, null);

        WebTestClient reader = AdminToken.authorize(http, tokens.issue("reader", Set.of(Ability.PROJECTS_READ), null,
                null, "test").block(Duration.ofSeconds(10)).plaintext());
        reader.post().uri("/api/projects/" + id + "/search").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk();
        reader.get().uri("/api/projects/" + id + "/rag/runs").exchange().expectStatus().isOk();
        expectProblem(reader.post().uri("/api/projects/" + id + "/rag/reindex").exchange(), HttpStatus.FORBIDDEN, null);
        expectProblem(reader.post().uri("/api/rag/reindex").exchange(), HttpStatus.FORBIDDEN, null);

        WebTestClient other = AdminToken.authorize(http, tokens.issue("runs-only", Set.of(Ability.RUNS_READ), null,
                null, "test").block(Duration.ofSeconds(10)).plaintext());
        expectProblem(other.post().uri("/api/projects/" + id + "/search").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange(), HttpStatus.FORBIDDEN, null);
    }

    @Test
    void theCliEntryPointsReindexOneProjectOrAllAndWaitForTheOutcome() throws Exception {
        String id = registerIndexed();
        Files.writeString(workspaces.of(id).resolve("src/app/main.py"), "def main():\n    print('otter')\n");
        List<IndexProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        IndexRunView one = indexing.reindex(id, "cli", "cli", progress::add).block(Duration.ofSeconds(60));
        assertThat(one.status()).isEqualTo("completed");
        assertThat(one.reason()).isEqualTo("cli");
        assertThat(one.counts().filesChanged()).isEqualTo(1);
        assertThat(one.progress()).as("no live progress once finished").isNull();
        progress.forEach(p -> assertThat(p.projectId()).isEqualTo(id));

        List<IndexRunView> all = indexing.reindexAll("cli", "cli", IndexProgressListener.NONE).collectList()
                .block(Duration.ofSeconds(120));
        assertThat(all).extracting(IndexRunView::projectId).contains(id);
        assertThat(all).allSatisfy(run -> assertThat(run.status()).isEqualTo("completed"));
        assertThat(all.stream().filter(run -> run.projectId().equals(id)).findFirst().orElseThrow().counts()
                .filesChanged()).isZero();
    }

    @Test
    void agentsSearchThroughTheTool() throws Exception {
        String id = registerIndexed();
        SearchResult result = tool.call(id, JSON.readTree("{\"query\":\"reconcile invoice ledger\",\"k\":2}"))
                .block(Duration.ofSeconds(30));
        assertThat(result.hits()).hasSize(2);
        assertThat(result.hits().get(0).path()).isEqualTo("src/billing/Ledger.java");
        assertThat(tool.parameters()).containsKey("properties");
        RejectedCommand refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> tool.call(id, JSON.readTree("{\"k\":2}")).block(Duration.ofSeconds(30)), RejectedCommand.class);
        assertThat(refused.field()).isEqualTo("query");
    }

    /** A repository with files to index, ignored ones, a binary and a large file; registered, cloned and indexed. */
    String registerIndexed() throws Exception {
        Path repo = scratch.resolve("repo-" + UUID.randomUUID());
        Files.createDirectories(repo);
        write(repo, ".gitignore", "build/\n*.log\n!docs/keep.log\n*.bak\n");
        write(repo, "README.md", "# Billing\n\nA service that sends invoices.\n");
        write(repo, "Makefile", "all:\n\tgo build ./...\n");
        write(repo, "src/billing/Ledger.java", ledger());
        write(repo, "src/app/main.py", "def main():\n    print('hello')\n");
        write(repo, "src/app/helpers.py", "def reconcile(a, b):\n    return a == b\n");
        write(repo, "src/util/strings.go", "package util\n\nfunc Reverse(s string) string { return s }\n");
        write(repo, "docs/guide.md", "# Installation guide\n\nA walkthrough in three chapters.\n");
        write(repo, "docs/keep.log", "kept despite *.log\n");
        write(repo, "docs/.gitignore", "*.tmp\n");
        write(repo, "docs/notes.tmp", "ignored by the nested .gitignore\n");
        write(repo, "debug.log", "ignored invoice ledger reconciliation\n");
        write(repo, "build/generated.java", "class Generated { void reconcileInvoiceLedger() {} }\n");
        Files.createDirectories(repo.resolve("assets"));
        Files.write(repo.resolve("assets/logo.bin"), new byte[] {0x50, 0x4e, 0x00, 0x47, 0x01, 0x00, 0x7f});
        write(repo, "big.txt", "invoice ledger\n".repeat(10_000));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("files").setAuthor("Test", "t@example.com").setCommitter("Test", "t@example.com")
                    .setSign(false).call();
        }
        String id = admin.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "rag-" + UUID.randomUUID(), "localPath", repo.toString()))
                .exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        // 404 until the project is projected, then the clone's index run appears and completes
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode list = Polling.jsonWhenOk(admin.get().uri("/api/projects/" + id + "/rag/runs"));
            return list != null && !list.isEmpty() && "completed".equals(list.get(0).get("status").asText());
        });
        return id;
    }

    static String ledger() {
        return "package billing;\n\nclass Ledger {\n    /** Reconciles each invoice with the ledger. */\n"
                + "    void reconcileInvoiceLedger() {\n        // invoice ledger reconciliation\n    }\n}\n";
    }

    JsonNode runs(String id) {
        return admin.get().uri("/api/projects/" + id + "/rag/runs").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    JsonNode reindexAndWait(String id) {
        JsonNode requested = admin.post().uri("/api/projects/" + id + "/rag/reindex").exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/projects/" + id + "/rag/runs/[0-9a-f-]{36}")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String runId = requested.get("runId").asText();
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> admin.get().uri("/api/projects/" + id + "/rag/runs/" + runId).exchange()
                        .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody(),
                        run -> "completed".equals(run.get("status").asText()));
    }

    JsonNode search(String id, Map<String, Object> body) throws Exception {
        return searchRaw(id, JSON.writeValueAsString(body)).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    WebTestClient.ResponseSpec searchRaw(String id, String body) {
        return admin.post().uri("/api/projects/" + id + "/search").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    static JsonNode expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String field) {
        JsonNode problem = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(problem.get("status").asInt()).isEqualTo(status.value());
        assertThat(problem.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        if (field != null) {
            assertThat(problem.get("errors").findValuesAsText("field")).contains(field);
        }
        return problem;
    }

    Map<String, List<Long>> chunkIdsByPath(String id) {
        Map<String, List<Long>> byPath = new HashMap<>();
        jdbc.query("SELECT path, id FROM rag_chunks WHERE project_id = ? ORDER BY path, id", row -> {
            byPath.computeIfAbsent(row.getString(1), path -> new java.util.ArrayList<>()).add(row.getLong(2));
        }, id);
        return byPath;
    }

    double embeddedCounter() {
        return meters.get("agent.rag.chunks.embedded").counter().count();
    }

    static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
