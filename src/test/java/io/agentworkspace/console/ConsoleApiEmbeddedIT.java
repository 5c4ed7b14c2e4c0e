package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import reactor.core.publisher.Flux;

/** The console over real HTTP on the embedded default: polling, SSE resume, and refusals of bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleApiEmbeddedIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("agent-console-it");
        registry.add("agent.data-dir", dataDir::toString);
        registry.add("agent.console.heartbeat", () -> "1s");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    WebTestClient http;
    @Autowired
    ConsoleEventService console;
    @Autowired
    DataDirectory dataDirectory;
    @LocalServerPort
    int port;
    String token;

    @BeforeEach
    void asAdmin() {
        token = AdminToken.read(dataDirectory.root());
        http = AdminToken.authorize(http, token);
    }

    private List<Long> publish(String channel, int from, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add(console.publish(channel, "console.line", Map.of("n", i, "text", "line " + i)).block(Duration.ofSeconds(10)));
        }
        return ids;
    }

    @Test
    void pollingReturnsEventsAfterTheCursorInOrderWithTheNextCursor() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> ids = publish(channel, 0, 12);
        assertThat(ids).isSorted().doesNotHaveDuplicates();

        JsonNode first = poll(channel, "after=0&limit=5");
        assertThat(first.path("events")).hasSize(5);
        assertThat(first.path("more").asBoolean()).isTrue();
        assertThat(first.path("events").get(0).path("data").path("n").asInt()).isZero();
        long next = first.path("next").asLong();
        assertThat(next).isEqualTo(ids.get(4));

        JsonNode rest = poll(channel, "after=" + next + "&limit=100");
        assertThat(rest.path("events")).hasSize(7);
        assertThat(rest.path("more").asBoolean()).isFalse();
        List<Long> polled = new ArrayList<>();
        first.path("events").forEach(e -> polled.add(e.path("id").asLong()));
        rest.path("events").forEach(e -> polled.add(e.path("id").asLong()));
        assertThat(polled).containsExactlyElementsOf(ids);

        JsonNode tail = poll(channel, "limit=3");
        assertThat(tail.path("events").get(2).path("id").asLong()).isEqualTo(ids.get(11));
    }

    @Test
    void sseResumesFromLastEventIdExactlyOnceThenGoesLive() {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> ids = publish(channel, 0, 10);
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader("Authorization", "Bearer " + token).build();
        Flux<ServerSentEvent<String>> stream = client.get()
                .uri("/api/console/stream?channel={c}", channel)
                .header("Last-Event-ID", String.valueOf(ids.get(3)))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
        List<Long> later = new ArrayList<>();
        Thread publisher = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            later.addAll(publish(channel, 10, 5));
        });
        publisher.start();
        List<ServerSentEvent<String>> received = stream.filter(event -> event.data() != null)
                .take(11).collectList().block(Duration.ofSeconds(20));
        List<Long> receivedIds = received.stream().map(event -> Long.parseLong(event.id())).toList();
        List<Long> expected = new ArrayList<>(ids.subList(4, 10));
        expected.addAll(later);
        assertThat(receivedIds).containsExactlyElementsOf(expected);
    }

    @Test
    void refusesBadCursorsAndChannelsWithProblems() {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        publish(channel, 0, 1);
        http.get().uri("/api/channels/{c}/events?after=abc", channel).exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-cursor");
        http.get().uri("/api/channels/{c}/events?after=999999999", channel).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/cursor-in-future");
        http.get().uri("/api/console/stream?channel={c}", channel).header("Last-Event-ID", "-1").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-cursor");
        http.get().uri("/api/console/stream?channel={c}&last_event_id=99999999", channel).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/cursor-in-future");
        http.get().uri("/api/channels/{c}/events", "bad channel!").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-channel");
        http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build()
                .get().uri("/api/channels/{c}/events", channel).exchange().expectStatus().isUnauthorized();
    }

    private JsonNode poll(String channel, String query) throws Exception {
        byte[] body = http.get().uri("/api/channels/" + channel + "/events?" + query).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
