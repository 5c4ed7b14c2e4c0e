package io.agentworkspace.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import io.agentworkspace.audit.EventChain;
import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.ApiTokens;
import io.agentworkspace.auth.TokenRecord;
import io.agentworkspace.auth.TokenSecrets;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.project.ProjectSource;
import io.agentworkspace.project.ProjectView;
import io.agentworkspace.project.Projects;
import io.agentworkspace.project.RegisterProject;
import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.StandaloneEventStore;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.workspace.Workspaces;

/**
 * The ops commands against a real MariaDB: each command in-process on one application context, and the packaged
 * jar's {@code ops} entry point as a process of its own (no web server, stdout carries only the token).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("mysql")
class OpsCommandLineIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-ops-it"));
    }

    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine engine;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ApiTokens tokens;
    @Autowired
    EventChain chain;
    @Autowired
    Commands commands;
    @Autowired
    Projects projects;
    @Autowired
    Workspaces workspaces;

    @TempDir
    Path scratch;

    record Run(int exit, String out, String err) {
    }

    private Run ops(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = OpsCommandLine.execute(new OpsCommandLine.Ops(() -> context, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createAdminTokenPrintsAWorkingTokenOnceToStdout() {
        Run run = ops("create-admin-token", "--name=first admin");
        assertThat(run.exit()).as(run.err()).isZero();
        String token = run.out().strip();
        Matcher matcher = TokenSecrets.FORMAT.matcher(token);
        assertThat(matcher.matches()).as("stdout is the token alone: " + run.out()).isTrue();
        assertThat(run.err()).contains(matcher.group(1)).doesNotContain(token);
        TokenRecord record = tokens.byId(matcher.group(1)).block(Duration.ofSeconds(10));
        assertThat(record.abilities()).contains(Ability.ALL);
        assertThat(record.issuedBy()).isEqualTo("ops-cli");

        assertThat(ops("create-admin-token").exit()).isEqualTo(2);
        assertThat(ops("create-admin-token", "--name=bad\u0007name").exit()).isEqualTo(2);
    }

    @Test
    void signInLinkPrintsAOneTimeLinkWithAShortLivedTokenInItsFragment() {
        Run run = ops("sign-in-link", "--preset=operator", "--url=https://control.example/");
        assertThat(run.exit()).as(run.err()).isZero();
        Matcher link = java.util.regex.Pattern.compile("https://control\\.example/sign-in#token=(" + TokenSecrets.FORMAT.pattern() + ")")
                .matcher(run.out().strip());
        assertThat(link.matches()).as("stdout is the link alone").isTrue();
        assertThat(run.err()).contains(link.group(2)).doesNotContain(link.group(1));
        TokenRecord record = tokens.byId(link.group(2)).block(Duration.ofSeconds(10));
        assertThat(record.issuedBy()).isEqualTo(io.agentworkspace.auth.BrowserSessions.LINK_ISSUER);
        assertThat(record.preset()).isEqualTo("operator");
        assertThat(record.expiresAt()).isBetween(java.time.Instant.now().plus(Duration.ofMinutes(14)),
                java.time.Instant.now().plus(Duration.ofMinutes(15)));
        assertThat(ops("sign-in-link", "--preset=root").exit()).isEqualTo(2);
    }

    @Test
    void verifyChainReportsIntactThenNamesAnAlteredEvent() {
        new BulkEvents(engine, transactions).issueTokens(30, 30);
        Run clean = ops("verify-chain");
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).startsWith("intact: ");
        assertThat(clean.err()).contains("verifying [");
        String checkpoint = clean.out().lines().filter(line -> line.startsWith("checkpoint: ")).findFirst().orElseThrow()
                .substring("checkpoint: ".length());

        long position = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class) - 3;
        String eventId = jdbc.queryForObject("SELECT eventIdentifier FROM DomainEventEntry WHERE globalIndex = ?", String.class, position);
        byte[] payload = jdbc.queryForObject("SELECT payload FROM DomainEventEntry WHERE globalIndex = ?", byte[].class, position);
        byte[] altered = payload.clone();
        altered[10] ^= 0x20;
        jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = ?", altered, position);
        Run broken = ops("verify-chain");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).contains("event-altered").contains(eventId).contains("at position " + position);
        jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = ?", payload, position);

        assertThat(ops("verify-chain", "--checkpoint=" + checkpoint).exit()).isZero();
        assertThat(ops("verify-chain", "--checkpoint=nonsense").exit()).isEqualTo(2);
        Run json = ops("verify-chain", "--json");
        assertThat(json.out()).contains("\"intact\":true");
    }

    @Test
    void replayPrintsTheEventsAfterAPositionAndFollowsNewOnes() throws Exception {
        BulkEvents bulk = new BulkEvents(engine, transactions);
        bulk.issueTokens(10, 10);
        long after = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class) - 6;
        Run run = ops("replay", "--after=" + after, "--count=5");
        assertThat(run.exit()).as(run.err()).isZero();
        List<Long> positions = positions(run.out());
        assertThat(positions).hasSize(5).isSorted().allSatisfy(p -> assertThat(p).isGreaterThan(after));

        long head = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        CompletableFuture<Run> following = CompletableFuture.supplyAsync(
                () -> ops("replay", "--after=" + head, "--follow", "--count=3"), thread);
        thread.shutdown();
        Thread.sleep(500);
        List<String> ids = bulk.issueTokens(3, 1);
        Run followed = following.get(30, TimeUnit.SECONDS);
        assertThat(followed.out().lines().map(line -> read(line).get("aggregateId").asText()).toList())
                .containsExactlyElementsOf(ids);

        for (String bad : List.of("--after=-1", "--after=abc", "--count=0", "--from=yesterday")) {
            Run refused = ops("replay", bad);
            assertThat(refused.exit()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).startsWith("error: ");
        }
    }

    @Test
    void rebuildShowsProgressAndSwitchesIn() {
        new BulkEvents(engine, transactions).issueTokens(500, 250);
        Run run = ops("rebuild", "api-tokens");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("rebuilt api-tokens: ");
        assertThat(run.err()).contains("rebuilding api-tokens [");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM api_tokens", Long.class)).isGreaterThanOrEqualTo(500);

        Run unknown = ops("rebuild", "no-such-projection");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("No projection named 'no-such-projection'");
    }

    @Test
    void reindexRunsOneProjectOrAllWithProgressAndRefusesBadArguments() throws Exception {
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("origin"), 3);
        String id = java.util.UUID.randomUUID().toString();
        commands.sendAndWait(new RegisterProject(id, "ops-" + id, ProjectSource.localPath(repo.path().toString()), "test"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            ProjectView project = projects.byId(id).block(Duration.ofSeconds(10));
            return project != null && "ready".equals(project.workspace().status());
        });
        // the clone's own index run first, so that the reindex below sees exactly one changed file
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                jdbc.queryForObject("SELECT COUNT(*) FROM rag_index_runs WHERE project_id = ? AND status = 'completed'",
                        Long.class, id) == 1);
        Files.writeString(workspaces.of(id).resolve("file-1.txt"), "changed for the reindex\n");

        Run one = ops("reindex", "--project=" + id);
        assertThat(one.exit()).as(one.out() + one.err()).isZero();
        assertThat(one.out()).contains(id + " completed: ").contains("1 changed").endsWith("reindexed 1 project(s)\n");
        assertThat(one.err()).contains("reindexing [");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rag_index_runs WHERE project_id = ? AND reason = 'cli' "
                + "AND requested_by = 'ops-cli' AND status = 'completed'", Long.class, id)).isEqualTo(1);

        Run all = ops("reindex", "--all");
        assertThat(all.exit()).as(all.out() + all.err()).isZero();
        assertThat(all.out()).contains(id + " completed: ").contains("0 changed").contains("reindexed ");
        assertThat(all.err()).contains("project " + id + ": completed");

        Run unknown = ops("reindex", "--project=3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("No project 3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11");
        assertThat(ops("reindex").exit()).isEqualTo(2);
        assertThat(ops("reindex", "--all", "--project=" + id).exit()).isEqualTo(2);
        assertThat(ops("reindex", "--project=../etc").exit()).isEqualTo(2);
        Run help = ops("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("verify-chain", "replay", "rebuild", "reindex", "create-admin-token", "sign-in-link");
        assertThat(ops("no-such-command").exit()).isEqualTo(2);
    }

    @Test
    void thePackagedJarRunsACommandWithoutAWebServerAndPrintsOnlyTheToken() throws Exception {
        String database = TestServices.createDatabase();
        try (StandaloneEventStore store = new StandaloneEventStore(database)) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-jar", AppProcess.jar().toAbsolutePath().toString(), "ops",
                    "--spring.profiles.active=mysql", "--spring.datasource.url=" + TestServices.jdbcUrl(database),
                    "--spring.datasource.username=" + TestServices.mariaDbUser(),
                    "--spring.datasource.password=" + TestServices.mariaDbPassword(),
                    "--spring.r2dbc.url=" + TestServices.r2dbcUrl(database),
                    "--spring.r2dbc.username=" + TestServices.mariaDbUser(),
                    "--spring.r2dbc.password=" + TestServices.mariaDbPassword(),
                    "--spring.data.redis.host=" + TestServices.redis().host(),
                    "--spring.data.redis.port=" + TestServices.redis().port(),
                    "--agent.data-dir=" + scratch.resolve("data"),
                    "--agent.secrets.master-key=" + MySqlProfile.TEST_MASTER_KEY,
                    "--server.port=1", // would fail to bind if a web server started
                    "create-admin-token", "--name=from the jar"));
            Process process = new ProcessBuilder(command).redirectError(scratch.resolve("stderr.txt").toFile()).start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(scratch.resolve("stderr.txt"))).isZero();
            assertThat(stdout.lines().toList()).hasSize(1);
            assertThat(TokenSecrets.FORMAT.matcher(stdout.strip()).matches()).as(stdout).isTrue();
            assertThat(Files.exists(scratch.resolve("data/admin-token"))).as("no bootstrap token minted by a command").isFalse();
            assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType LIKE '%ApiTokenIssued'",
                    Long.class)).isEqualTo(1);
        }
    }

    private List<Long> positions(String ndjson) {
        return ndjson.lines().map(line -> read(line).get("position").asLong()).toList();
    }

    private static JsonNode read(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }
}
