package io.agentworkspace.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.kafka.KafkaGateway;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.ProductionProfileContext;
import io.agentworkspace.support.SuiteSettings;
import reactor.core.publisher.Flux;

/**
 * The production profiles together (mysql + kafka) against the real services: health covers every dependency,
 * Prometheus carries JVM, HTTP and event-processor figures, and a Kafka round trip through the one adapter keeps
 * per-key order on a real broker.
 */
class ProductionProfileIT extends ProductionProfileContext {

    @Autowired
    WebTestClient http;
    @Autowired
    KafkaGateway kafka;
    @Autowired
    ApplicationContext context;
    @Autowired
    DataDirectory data;

    @Test
    void healthIsUpWithDatabaseRedisAndKafka() {
        // components only for a valid token: health is public on the management port, its details are not
        JsonNode health = AdminToken.authorize(SuiteSettings.management(context), AdminToken.read(data.root()))
                .get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        for (String component : List.of("db", "r2dbc", "redis", "kafka")) {
            assertThat(health.at("/components/" + component + "/status").asText()).as(component).isEqualTo("UP");
        }
        assertThat(health.at("/components/db/details/database").asText()).isEqualTo("MariaDB");
        assertThat(health.at("/components/kafka/details/brokers").asInt()).isEqualTo(1);
    }

    @Test
    void prometheusCarriesJvmHttpEventProcessorAndPoolFigures() {
        http.get().uri("/api/projects").exchange().expectStatus().isUnauthorized();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = SuiteSettings.management(context).get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(metrics)
                    .contains("jvm_memory_used_bytes")
                    .contains("http_server_requests_seconds_count{")
                    .contains("agent_event_store_head")
                    .containsPattern("agent_processor_position\\{[^}]*processor=\"projects\"")
                    .containsPattern("agent_processor_lag\\{[^}]*processor=\"workspace-cloner\"")
                    // the console log writer's own pool of one, beside the service's
                    .containsPattern("hikaricp_connections_max\\{[^}]*pool=\"[^\"]+-console-log\"[^}]*} 1\\.0");
        });
    }

    @Test
    void kafkaRoundTripKeepsOrderPerKey() {
        String topic = "smoke-" + UUID.randomUUID();
        List<KafkaGateway.Record> sent = Flux.range(0, 200)
                .concatMap(i -> kafka.send(topic, "key-" + (i % 5), "value-" + i))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(sent).hasSize(200).allSatisfy(record -> assertThat(record.offset()).isNotNegative());

        List<KafkaGateway.Record> received = kafka.receive(topic, "smoke-" + UUID.randomUUID())
                .take(200).collectList().block(Duration.ofSeconds(60));
        Map<String, List<Integer>> perKey = received.stream().collect(Collectors.groupingBy(KafkaGateway.Record::key,
                Collectors.mapping(record -> Integer.parseInt(record.value().substring(6)), Collectors.toList())));
        assertThat(perKey).hasSize(5);
        perKey.forEach((key, values) -> {
            int k = Integer.parseInt(key.substring(4));
            assertThat(values).as(key).isEqualTo(IntStream.range(0, 200).filter(i -> i % 5 == k).boxed().toList());
        });
    }
}
