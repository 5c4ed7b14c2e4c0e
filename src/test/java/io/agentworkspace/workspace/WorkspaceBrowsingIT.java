package io.agentworkspace.workspace;

import static io.agentworkspace.support.ProblemAssertions.problem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.EventCounts;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.WorkspaceTrees;

/**
 * The read-only workspace API over real HTTP on the embedded profile: listings, files, git views, the pull, the
 * abilities each needs, and the confinement sweep: hostile paths on every path-taking endpoint are 400
 * problem+json, and nothing outside the workspace reaches a response.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.workspaces.browse.max-file-bytes=64KB", "agent.workspaces.browse.pull-lock-wait=1s"})
class WorkspaceBrowsingIT {

    static Path dataDir;
    static Path scratch;
    static Path outside;
    static final String SECRET = "TOP-SECRET-" + UUID.randomUUID();

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        dataDir = EmbeddedApp.dataDir(registry, "browse-it");
    }

    @LocalServerPort
    int port;
    @Autowired
    WebTestClient http;
    @Autowired
    DataDirectory data;
    @Autowired
    Workspaces workspaces;
    @Autowired
    WorkspaceLocks locks;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    JdbcTemplate jdbc;

    static GitRepositories.Repo origin;
    static String firstCommit;
    static String projectId;

    @BeforeAll
    static void origin() throws Exception {
        scratch = Files.createTempDirectory("agent-browse-scratch");
        outside = Files.createDirectories(scratch.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        origin = GitRepositories.withCommits(scratch.resolve("origin"), 2);
        try (Git git = Git.open(origin.path().toFile())) {
            firstCommit = git.log().call().iterator().next().getParent(0).name();
            Path repo = origin.path();
            Files.write(repo.resolve("image.bin"), WorkspaceTrees.randomBytes(1, 4096));
            Files.writeString(repo.resolve("big.txt"), "x".repeat(100_000));
            Files.writeString(repo.resolve("ünïcödé name.md"), "café\n");
            Files.createSymbolicLink(repo.resolve("escape-link"), Path.of("/etc"));
            Files.createSymbolicLink(repo.resolve("escape-secret"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(repo.resolve("src/climb"), Path.of("../../.."));
            Files.createSymbolicLink(repo.resolve("dangling-out"), Path.of("/nonexistent/dir/file"));
            Files.createSymbolicLink(repo.resolve("git-alias"), Path.of(".git"));
            Files.createSymbolicLink(repo.resolve("inside-link"), Path.of("src/nested"));
            git.add().addFilepattern(".").call();
            commit(git, "links and files");
        }
    }

    @BeforeEach
    void project() {
        http = AdminToken.authorize(http, AdminToken.read(data.root()));
        if (projectId == null) {
            projectId = ProjectWorkspaces.registerAndClone(http, origin.path());
        }
    }

    @Test
    void listsDirectoriesWithoutGitAndFollowingNoLink() {
        JsonNode root = get("/tree").expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        List<String> names = root.get("entries").findValuesAsText("name");
        assertThat(names).contains("file-1.txt", "src", "escape-link", "ünïcödé name.md").doesNotContain(".git");
        assertThat(root.get("entries").get(0).get("type").asText()).isEqualTo("directory");
        JsonNode link = find(root, "escape-link");
        assertThat(link.get("type").asText()).isEqualTo("symlink");
        assertThat(link.toString()).doesNotContain("/etc");

        JsonNode nested = get("/tree?path=inside-link").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(nested.get("entries").findValuesAsText("name")).contains("Main.java");
        assertThat(find(nested, "Main.java").get("mode").asText()).isEqualTo("0644");
    }

    @Test
    void readsTextBinaryAndLargeFilesWithinTheLimit() {
        JsonNode text = get("/file?path=" + encode("ünïcödé name.md")).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(text.get("content").asText()).isEqualTo("café\n");
        assertThat(text.get("encoding").asText()).isEqualTo("utf-8");
        assertThat(text.get("binary").asBoolean()).isFalse();

        JsonNode binary = get("/file?path=image.bin").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(binary.get("binary").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.get("content").asText())).isEqualTo(WorkspaceTrees.randomBytes(1, 4096));

        JsonNode big = get("/file?path=big.txt").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(big.get("truncated").asBoolean()).isTrue();
        assertThat(big.get("size").asLong()).isEqualTo(100_000);
        assertThat(big.get("content").asText()).hasSize(64 * 1024);

        problem(get("/file?path=no-such-file"), HttpStatus.NOT_FOUND, "path-not-found");
        problem(get("/file?path=src"), HttpStatus.BAD_REQUEST, "not-a-file");
        problem(get("/tree?path=file-1.txt"), HttpStatus.BAD_REQUEST, "not-a-directory");
        problem(http.get().uri("/api/projects/not-a-uuid/workspace/tree").exchange(), HttpStatus.BAD_REQUEST, "invalid-project-id");
        problem(http.get().uri("/api/projects/" + UUID.randomUUID() + "/workspace/tree").exchange(), HttpStatus.NOT_FOUND,
                "workspace-not-found");
    }

    @Test
    void showsGitStatusLogAndDiff() throws Exception {
        Path workspace = workspaces.of(projectId);
        Files.writeString(workspace.resolve("file-1.txt"), "edited\n");
        Files.writeString(workspace.resolve("untracked.txt"), "new\n");
        try {
            JsonNode status = get("/git/status").expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(status.get("branch").asText()).isEqualTo("main");
            assertThat(status.get("clean").asBoolean()).isFalse();
            assertThat(status.get("modified").findValuesAsText("")).isEmpty();
            assertThat(texts(status.get("modified"))).containsExactly("file-1.txt");
            assertThat(texts(status.get("untracked"))).contains("untracked.txt");
        } finally {
            Files.writeString(workspace.resolve("file-1.txt"), "line 1\n");
            Files.delete(workspace.resolve("untracked.txt"));
        }

        JsonNode log = get("/git/log?limit=10").expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(log.get("commits")).hasSize(3);
        assertThat(log.at("/commits/2/id").asText()).isEqualTo(firstCommit);
        JsonNode filtered = get("/git/log?path=file-2.txt").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(filtered.get("commits")).hasSize(1);

        String head = log.at("/commits/0/id").asText();
        JsonNode diff = get("/git/diff?from=" + firstCommit + "&to=" + head).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(diff.get("files").findValuesAsText("newPath")).contains("file-2.txt", "src/nested/Main.java", "image.bin");
        JsonNode main = diff.get("files").findParents("newPath").stream()
                .filter(f -> "src/nested/Main.java".equals(f.get("newPath").asText())).findFirst().orElseThrow();
        assertThat(main.get("changeType").asText()).isEqualTo("MODIFY");
        assertThat(main.get("patch").asText()).contains("-class Main { int v = 1; }", "+class Main { int v = 2; }");
        JsonNode image = diff.get("files").findParents("newPath").stream()
                .filter(f -> "image.bin".equals(f.get("newPath").asText())).findFirst().orElseThrow();
        assertThat(image.get("binary").asBoolean()).isTrue();

        problem(get("/git/diff?from=HEAD~1&to=HEAD"), HttpStatus.BAD_REQUEST, "invalid-commit");
        problem(get("/git/diff?from=" + "ab".repeat(20) + "&to=HEAD"), HttpStatus.NOT_FOUND, "commit-not-found");
        problem(get("/git/log?limit=0"), HttpStatus.BAD_REQUEST, "validation-failed");
    }

    @Test
    void pullFastForwardsFromOriginAndRecordsEachOutcome() throws Exception {
        String newHead;
        try (Git git = Git.open(origin.path().toFile())) {
            Files.writeString(origin.path().resolve("pulled.txt"), "from origin\n");
            git.add().addFilepattern("pulled.txt").call();
            newHead = commit(git, "upstream change").name();
        }
        long before = events(WorkspacePulled.class);
        JsonNode pulled = post("/pull").expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(pulled.get("updated").asBoolean()).isTrue();
        assertThat(pulled.get("toCommit").asText()).isEqualTo(newHead);
        assertThat(workspaces.of(projectId).resolve("pulled.txt")).hasContent("from origin");
        JsonNode again = post("/pull").expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(again.get("updated").asBoolean()).isFalse();
        assertThat(events(WorkspacePulled.class)).isEqualTo(before + 2);

        long failed = events(WorkspacePullFailed.class);
        WorkspaceLease held = locks.acquire(projectId, Duration.ofSeconds(5)).block();
        try {
            problem(post("/pull"), HttpStatus.CONFLICT, "workspace-busy");
        } finally {
            held.release().block();
        }
        try (Git local = Git.open(workspaces.of(projectId).toFile()); Git upstream = Git.open(origin.path().toFile())) {
            Files.writeString(workspaces.of(projectId).resolve("local.txt"), "local\n");
            local.add().addFilepattern("local.txt").call();
            commit(local, "local change");
            Files.writeString(origin.path().resolve("upstream.txt"), "upstream\n");
            upstream.add().addFilepattern("upstream.txt").call();
            commit(upstream, "diverging change");
        }
        problem(post("/pull"), HttpStatus.CONFLICT, "pull-not-fast-forward");
        assertThat(workspaces.of(projectId).resolve("upstream.txt")).doesNotExist();
        assertThat(events(WorkspacePullFailed.class)).isEqualTo(failed + 2);
    }

    /**
     * An origin rewritten to a repository in the data directory (another project's workspace, say), to a transport
     * the remote policy does not name ({@code git://}), or rewritten through {@code url.*.insteadOf}: the pull is
     * refused before any fetch, with the generic answer, and nothing of the planted repository reaches the workspace.
     */
    @Test
    void aPullFetchesOnlyFromAnAllowedOrigin() throws Exception {
        GitRepositories.Repo planted = GitRepositories.withCommits(dataDir.resolve("planted-origin"), 1);
        try (Git git = Git.open(planted.path().toFile())) {
            Files.writeString(planted.path().resolve("from-the-data-directory.txt"), "planted\n");
            git.add().addFilepattern(".").call();
            commit(git, "planted");
        }
        try (Git git = Git.open(workspaces.of(projectId).toFile())) {
            org.eclipse.jgit.lib.StoredConfig config = git.getRepository().getConfig();
            String original = config.getString("remote", "origin", "url");
            try {
                for (String url : List.of(planted.path().toString(), planted.path().toUri().toString(),
                        dataDir.resolve("workspaces/../planted-origin").toString(), "git://127.0.0.1:9/repo.git")) {
                    config.setString("remote", "origin", "url", url);
                    config.save();
                    problem(post("/pull"), HttpStatus.SERVICE_UNAVAILABLE, "origin-unreachable");
                }
                config.setString("remote", "origin", "url", "https://git.example.invalid/repo");
                config.setString("url", planted.path().toString(), "insteadOf", "https://git.example.invalid/repo");
                config.save();
                problem(post("/pull"), HttpStatus.SERVICE_UNAVAILABLE, "origin-unreachable");
            } finally {
                config.unsetSection("url", planted.path().toString());
                config.setString("remote", "origin", "url", original);
                config.save();
            }
        }
        assertThat(workspaces.of(projectId).resolve("from-the-data-directory.txt")).doesNotExist();
    }

    @Test
    void everyEndpointNeedsATokenWithTheRightAbility() {
        WebTestClient anonymous = http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build();
        String reader = ProjectWorkspaces.token(issuance, Ability.PROJECTS_READ);
        String snapshotsOnly = ProjectWorkspaces.token(issuance, Ability.SNAPSHOTS_READ, Ability.SNAPSHOTS_WRITE);
        for (String path : List.of("/tree", "/file?path=file-1.txt", "/git/status", "/git/log",
                "/git/diff?from=HEAD&to=HEAD")) {
            String uri = "/api/projects/" + projectId + "/workspace" + path;
            problem(anonymous.get().uri(uri).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
            problem(AdminToken.authorize(anonymous, snapshotsOnly).get().uri(uri).exchange(), HttpStatus.FORBIDDEN, "forbidden");
            AdminToken.authorize(anonymous, reader).get().uri(uri).exchange().expectStatus().isOk();
        }
        String pull = "/api/projects/" + projectId + "/workspace/pull";
        problem(anonymous.post().uri(pull).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
        problem(AdminToken.authorize(anonymous, reader).post().uri(pull).exchange(), HttpStatus.FORBIDDEN, "forbidden");
    }

    /** Query values exactly as they go over the wire (the server decodes them once). */
    static List<String> hostilePaths() {
        List<String> raw = new ArrayList<>(List.of(
                "..%2Foutside%2Fsecret.txt",
                "../../../../etc/passwd",
                "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                "src%2F..%2F..%2F..%2Foutside",
                "a%2F.%2F..%2F..%2Fsecret",
                "%2E%2E%2Foutside",
                "%2e%2e%2fsecret.txt",
                "%2E%2E",
                "%252e%252e%252fsecret.txt",
                "..%252fsecret.txt",
                "..%5Coutside%5Csecret.txt",
                "..%5C..%5Cwindows%5Cwin.ini",
                "C%3A%5CWindows%5Cwin.ini",
                "C%3A%2FWindows%2Fwin.ini",
                "%5C%5Cserver%5Cshare%5Cfile",
                "%2Fetc%2Fpasswd",
                "%2F%2Fetc%2Fpasswd",
                encode(outside.resolve("secret.txt").toString()),
                "~%2F.ssh%2Fid_rsa",
                "file%3A%2F%2F%2Fetc%2Fpasswd",
                "secret.txt%00.png",
                "%00",
                "src%0A..%2Fx",
                "%C0%AE%C0%AE%2Fsecret.txt",
                "%EF%BC%8E%EF%BC%8E%2Foutside",
                "escape-link%2Fpasswd",
                "escape-link",
                "escape-secret",
                "src%2Fclimb%2Fadmin-token",
                "src%2Fclimb",
                "dangling-out",
                "git-alias%2Fconfig",
                ".git%2Fconfig",
                ".git",
                "x%2F".repeat(2100),
                "n".repeat(300)));
        return raw;
    }

    @Test
    void hostilePathsAreRefusedOnEveryPathTakingEndpointAndNothingOutsideIsRead() throws Exception {
        List<String> hostile = hostilePaths();
        assertThat(hostile).hasSizeGreaterThanOrEqualTo(30);
        String adminToken = AdminToken.read(data.root());
        String passwd = Files.exists(Path.of("/etc/passwd")) ? Files.readString(Path.of("/etc/passwd")).lines().findFirst().orElse("root:") : "root:";
        List<String> endpoints = List.of("/tree?path=", "/file?path=", "/git/log?path=",
                "/git/diff?from=" + firstCommit + "&to=HEAD&path=");
        int refused = 0;
        for (String endpoint : endpoints) {
            for (String path : hostile) {
                URI uri = URI.create("http://127.0.0.1:" + port + "/api/projects/" + projectId + "/workspace" + endpoint + path);
                WebTestClient.ResponseSpec response = http.get().uri(uri).exchange();
                JsonNode body = response.expectStatus().value(status -> assertThat(status).as(endpoint + path).isEqualTo(400))
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody(JsonNode.class).returnResult().getResponseBody();
                String text = body.toString();
                assertThat(body.get("type").asText()).as(endpoint + path).startsWith("/problems/");
                assertThat(body.at("/errors/0/field").asText()).as(endpoint + path).isEqualTo("path");
                assertThat(text).as(endpoint + path).doesNotContain(SECRET, adminToken, passwd, "Exception", "\tat ");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(hostile.size() * endpoints.size());

        // the same endpoints do serve what is inside, through a link that stays inside
        JsonNode inside = get("/file?path=inside-link%2FMain.java").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(inside.get("content").asText()).startsWith("class Main");
    }

    private WebTestClient.ResponseSpec get(String path) {
        return http.get().uri(URI.create("http://127.0.0.1:" + port + "/api/projects/" + projectId + "/workspace" + path))
                .exchange();
    }

    private WebTestClient.ResponseSpec post(String path) {
        return http.post().uri("/api/projects/" + projectId + "/workspace" + path).exchange();
    }

    long events(Class<?> type) {
        return EventCounts.of(jdbc, type);
    }

    private static JsonNode find(JsonNode listing, String name) {
        for (JsonNode entry : listing.get("entries")) {
            if (entry.get("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError("no entry " + name + " in " + listing);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static RevCommit commit(Git git, String message) throws Exception {
        return git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").setSign(false).call();
    }
}
