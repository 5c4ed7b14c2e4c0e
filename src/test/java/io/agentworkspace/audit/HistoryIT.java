package io.agentworkspace.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.project.ProjectRegistered;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;
import reactor.core.Disposable;

/**
 * The auditor's history on MariaDB: tampering with the stored events is detected and named (an altered byte, a
 * deleted event, the newest deleted, an event slipped in), untouched history verifies clean, and the replay (pages
 * and the NDJSON/SSE stream) yields exactly the events after a position, in order, then the live ones without gap
 * or duplicate while concurrent appends commit out of index order and a rolled-back append leaves a hole.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.history.gap-timeout=1s", "agent.history.checkpoint-every=50"})
@ActiveProfiles("mysql")
class HistoryIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-history-it"));
    }

    @Autowired
    WebTestClient http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventChain chain;
    @Autowired
    ChainVerification verification;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    EventStorageEngine engine;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    org.axonframework.eventsourcing.eventstore.EventStore eventStore;
    @LocalServerPort
    int port;

    BulkEvents bulk;
    String admin;

    @BeforeEach
    void setUp() {
        admin = AdminToken.read(dataDirectory.root());
        http = AdminToken.authorize(http, admin);
        bulk = new BulkEvents(engine, transactions);
    }

    /** Verifies once everything stored is chained (holes left by other tests pass after the 1 s gap timeout). */
    private ChainVerification.Report verify() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            chain.catchUp();
            return chain.head().scannedTo() >= jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
        });
        return verification.verify(List.of(), verified -> { });
    }

    @Test
    void untouchedHistoryVerifiesAndEveryKindOfTamperingIsNamed() {
        bulk.issueTokens(120, 40);
        ChainVerification.Report clean = verify();
        assertThat(clean.intact()).as(String.valueOf(clean.firstBreak())).isTrue();
        long events = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
        assertThat(clean.verified()).isEqualTo(events).isEqualTo(clean.head().chainSeq());
        assertThat(verification.checkpoints(0, 100)).isNotEmpty()
                .allSatisfy(checkpoint -> assertThat(checkpoint.chainSeq() % 50).isZero());

        long middle = jdbc.queryForObject("SELECT globalIndex FROM DomainEventEntry ORDER BY globalIndex LIMIT 1 OFFSET 60", Long.class);
        String middleId = eventId(middle);

        // one byte of one stored payload
        byte[] payload = jdbc.queryForObject("SELECT payload FROM DomainEventEntry WHERE globalIndex = ?", byte[].class, middle);
        byte[] altered = payload.clone();
        altered[payload.length / 2] ^= 0x01;
        jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = ?", altered, middle);
        assertBroken(verify(), "event-altered", middle, middleId);
        jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = ?", payload, middle);
        assertThat(verify().intact()).isTrue();

        // one event deleted, in the middle and then the newest
        jdbc.execute("CREATE TABLE saved_event AS SELECT * FROM DomainEventEntry WHERE globalIndex = " + middle);
        jdbc.update("DELETE FROM DomainEventEntry WHERE globalIndex = ?", middle);
        assertBroken(verify(), "event-missing", middle, middleId);
        jdbc.execute("INSERT INTO DomainEventEntry SELECT * FROM saved_event");
        jdbc.execute("DROP TABLE saved_event");
        assertThat(verify().intact()).isTrue();

        long newest = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
        String newestId = eventId(newest);
        jdbc.execute("CREATE TABLE saved_event AS SELECT * FROM DomainEventEntry WHERE globalIndex = " + newest);
        jdbc.update("DELETE FROM DomainEventEntry WHERE globalIndex = ?", newest);
        assertBroken(verify(), "event-missing", newest, newestId);

        // ... and the newest deleted together with its chain entry: the head and the checkpoints give it away
        ChainVerification.Checkpoint kept = new ChainVerification.Checkpoint(clean.head().chainSeq(), clean.head().hash());
        String chained = jdbc.queryForObject("SELECT hash FROM event_chain WHERE global_index = ?", String.class, newest);
        long newestSeq = jdbc.queryForObject("SELECT chain_seq FROM event_chain WHERE global_index = ?", Long.class, newest);
        jdbc.update("DELETE FROM event_chain WHERE global_index = ?", newest);
        ChainVerification.Report truncated = verification.verify(List.of(kept), verified -> { });
        assertThat(truncated.intact()).isFalse();
        assertThat(truncated.firstBreak().problem()).isEqualTo("chain-truncated");
        jdbc.execute("INSERT INTO DomainEventEntry SELECT * FROM saved_event");
        jdbc.execute("DROP TABLE saved_event");
        jdbc.update("INSERT INTO event_chain (chain_seq, global_index, event_id, hash) VALUES (?, ?, ?, ?)",
                newestSeq, newest, newestId, chained);
        assertThat(verification.verify(List.of(kept), verified -> { }).intact()).isTrue();

        // an event slipped in behind the chain's back (MariaDB would renumber an explicit 0, so below it)
        jdbc.execute("CREATE TABLE saved_event AS SELECT * FROM DomainEventEntry WHERE globalIndex = " + middle);
        jdbc.execute("UPDATE saved_event SET globalIndex = -5, eventIdentifier = 'forged', sequenceNumber = 99");
        jdbc.execute("INSERT INTO DomainEventEntry SELECT * FROM saved_event");
        assertBroken(verify(), "event-unchained", -5, "forged");
        jdbc.update("DELETE FROM DomainEventEntry WHERE globalIndex = -5");
        jdbc.execute("DROP TABLE saved_event");

        // a kept checkpoint that the chain no longer matches
        ChainVerification.Report wrongCheckpoint = verification.verify(
                List.of(new ChainVerification.Checkpoint(10, "ab".repeat(32))), verified -> { });
        assertThat(wrongCheckpoint.firstBreak().problem()).isEqualTo("checkpoint-mismatch");
        assertThat(wrongCheckpoint.firstBreak().chainSeq()).isEqualTo(10);

        JsonNode report = http.get().uri("/api/events/chain/verification").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(report.get("intact").asBoolean()).isTrue();
    }

    private static void assertBroken(ChainVerification.Report report, String problem, long position, String eventId) {
        assertThat(report.intact()).isFalse();
        assertThat(report.firstBreak().problem()).isEqualTo(problem);
        assertThat(report.firstBreak().position()).isEqualTo(position);
        assertThat(report.firstBreak().eventId()).isEqualTo(eventId);
    }

    private String eventId(long position) {
        return jdbc.queryForObject("SELECT eventIdentifier FROM DomainEventEntry WHERE globalIndex = ?", String.class, position);
    }

    @Test
    void pagesReturnTheEventsAfterAPositionInOrderWithFilters() {
        List<String> tokens = bulk.issueTokens(30, 10);
        long after = jdbc.queryForObject("SELECT globalIndex FROM DomainEventEntry WHERE aggregateIdentifier = ?",
                Long.class, tokens.get(9));
        await().atMost(Duration.ofSeconds(10)).until(() -> page("/api/events?after=" + after + "&limit=1000").get("items").size() >= 20);
        JsonNode page = page("/api/events?after=" + after + "&limit=7");
        List<Long> positions = page.get("items").findValues("position").stream().map(JsonNode::asLong).toList();
        assertThat(positions).hasSize(7).isSorted().allSatisfy(p -> assertThat(p).isGreaterThan(after));
        assertThat(page.get("next").asLong()).isEqualTo(positions.get(6));
        JsonNode first = page.get("items").get(0);
        assertThat(first.get("aggregateId").asText()).isEqualTo(tokens.get(10));
        assertThat(first.get("type").asText()).isEqualTo("io.agentworkspace.auth.ApiTokenIssued");
        assertThat(first.get("revision").asText()).isEqualTo("1");
        assertThat(first.at("/payload/tokenId").asText()).isEqualTo(tokens.get(10));

        JsonNode one = page("/api/events?aggregate=" + tokens.get(20) + "&type=ApiTokenIssued");
        assertThat(one.get("items")).hasSize(1);
        assertThat(page("/api/events?aggregate=" + tokens.get(20) + "&type=ApiTokenRevoked").get("items")).isEmpty();
        assertThat(page("/api/events?type=io.agentworkspace.auth.ApiTokenIssued&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&limit=1000")
                .get("items").size()).isGreaterThanOrEqualTo(30);
        assertThat(page("/api/events?from=2999-01-01T00:00:00Z").get("items")).isEmpty();

        for (String bad : List.of("after=abc", "after=-1", "after=1.5", "limit=0", "limit=1001", "limit=x",
                "from=yesterday", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "type=a%20b")) {
            http.get().uri("/api/events?" + bad).exchange().expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").value(type -> assertThat((String) type).startsWith("/problems/invalid-"));
        }
        http.get().uri("/api/events/stream?after=-5").accept(MediaType.APPLICATION_NDJSON).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-position");

        String reader = issuance.issue("no events", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block().plaintext();
        AdminToken.authorize(http, reader).get().uri("/api/events").exchange().expectStatus().isForbidden();
    }

    @Test
    void theStreamReplaysFromAPositionThenFollowsLiveWithoutGapOrDuplicate() throws Exception {
        bulk.issueTokens(50, 25);
        long after = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class) - 20;

        ObjectMapper json = new ObjectMapper();
        List<Long> received = new CopyOnWriteArrayList<>();
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + admin).build();
        Disposable stream = client.get().uri("/api/events/stream?after=" + after).accept(MediaType.APPLICATION_NDJSON)
                .retrieve().bodyToFlux(String.class)
                .subscribe(line -> received.add(readPosition(json, line)));
        List<Long> sse = new CopyOnWriteArrayList<>();
        Disposable sseStream = client.get().uri("/api/events/stream").header("Last-Event-ID", Long.toString(after))
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new org.springframework.core.ParameterizedTypeReference<org.springframework.http.codec.ServerSentEvent<JsonNode>>() { })
                .filter(event -> event.data() != null)
                .subscribe(event -> sse.add(Long.parseLong(event.id())));
        try {
            // live appends from four writers at once (commits land out of index order) and a rolled-back one (a hole)
            ExecutorService writers = Executors.newFixedThreadPool(4);
            for (int w = 0; w < 4; w++) {
                writers.execute(() -> {
                    for (int i = 0; i < 25; i++) {
                        bulk.issueTokens(3, 3);
                    }
                });
            }
            bulk.appendAndRollBack(2);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Long> expected = jdbc.queryForList("SELECT globalIndex FROM DomainEventEntry WHERE globalIndex > ? "
                    + "ORDER BY globalIndex", Long.class, after);
            assertThat(expected).hasSize(20 + 300);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= expected.size() && sse.size() >= expected.size());
            Thread.sleep(500);
            assertThat(received).as("NDJSON").containsExactlyElementsOf(expected);
            assertThat(sse).as("SSE").containsExactlyElementsOf(expected);
        } finally {
            stream.dispose();
            sseStream.dispose();
        }
    }

    @Test
    void aStoredRevisionOneRegistrationReplaysAsRevisionTwoAndNewOnesNameTheirCaller() {
        String oldProject = BulkEvents.uuid();
        String v1 = "{\"projectId\":\"" + oldProject + "\",\"name\":\"old-" + oldProject + "\",\"sourceKind\":\"git-url\","
                + "\"source\":\"https://127.0.0.1:9/old/repo.git\",\"registeredAt\":\"2026-01-02T03:04:05.678Z\"}";
        jdbc.update("INSERT INTO DomainEventEntry (aggregateIdentifier, sequenceNumber, type, eventIdentifier, metaData, "
                        + "payload, payloadRevision, payloadType, timeStamp) VALUES (?, 0, 'Project', ?, ?, ?, '1', ?, ?)",
                oldProject, BulkEvents.uuid(), "{}".getBytes(), v1.getBytes(), ProjectRegistered.class.getName(),
                "2026-01-02T03:04:05.678Z");

        List<? extends org.axonframework.eventhandling.DomainEventMessage<?>> replayed =
                eventStore.readEvents(oldProject).asStream().toList();
        assertThat(replayed).hasSize(1);
        ProjectRegistered upcast = (ProjectRegistered) replayed.get(0).getPayload();
        assertThat(upcast.registeredBy()).isEqualTo("unknown");
        assertThat(upcast.name()).isEqualTo("old-" + oldProject);
        // the projection received it too (the read model has the old project)
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM projects WHERE id = ?", Integer.class, oldProject) == 1);
        // auditors see it as stored: revision 1, no registeredBy
        JsonNode stored = page("/api/events?aggregate=" + oldProject + "&type=ProjectRegistered").get("items").get(0);
        assertThat(stored.get("revision").asText()).isEqualTo("1");
        assertThat(stored.get("payload").has("registeredBy")).isFalse();

        String fresh = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("name", "new-" + oldProject, "gitUrl", "https://nowhere.invalid/new/repo.git"))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
        JsonNode registered = page("/api/events?aggregate=" + fresh + "&type=ProjectRegistered").get("items").get(0);
        assertThat(registered.get("revision").asText()).isEqualTo("2");
        assertThat(registered.at("/payload/registeredBy").asText()).isEqualTo(admin.substring(3, 19));
    }

    @Test
    void secretsReplayOnlyAsCiphertextAndFingerprint() {
        String value = "replay-canary-" + java.util.UUID.randomUUID();
        String name = "history-" + System.nanoTime();
        long after = jdbc.queryForObject("SELECT COALESCE(MAX(globalIndex), 0) FROM DomainEventEntry", Long.class);
        http.put().uri("/api/secrets/" + name).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("value", value)).exchange().expectStatus().isCreated();
        http.put().uri("/api/secrets/" + name).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("value", value + "-rotated")).exchange().expectStatus().isOk();

        List<JsonNode> events = new ArrayList<>();
        page("/api/events?after=" + after + "&limit=1000").get("items").forEach(event -> {
            if (name.equals(event.at("/payload/name").asText())) {
                events.add(event);
            }
        });
        assertThat(events).extracting(event -> event.get("type").asText()).hasSize(2);
        for (JsonNode event : events) {
            assertThat(event.get("payload").get("ciphertext").asText()).isNotBlank();
            assertThat(event.get("payload").get("fingerprint").asText()).isNotBlank();
        }
        String ndjson = http.get().uri("/api/events/stream?follow=false&after=" + after)
                .accept(MediaType.APPLICATION_NDJSON).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(ndjson).contains(name).doesNotContain(value);
        assertThat(events.toString()).doesNotContain(value);
    }

    private static long readPosition(ObjectMapper json, String line) {
        try {
            return json.readTree(line).get("position").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode page(String uri) {
        return http.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
