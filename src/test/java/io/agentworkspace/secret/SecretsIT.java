package io.agentworkspace.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/**
 * Secrets on the production profile: values go in and never come out of the API, the events or the logs; only
 * internal services can decrypt; erasing shreds every earlier version, though the events stay.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mysql")
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-secrets-it"));
    }

    @Autowired
    WebTestClient http;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SecretValues values;
    @Autowired
    DataKeys keys;

    final String name = "openai.key-" + UUID.randomUUID().toString().substring(0, 8);
    final String first = LeakCanaries.register("sk-test-only-" + UUID.randomUUID() + "-first");
    final String second = LeakCanaries.register("sk-test-only-" + UUID.randomUUID() + "-second");

    @BeforeEach
    void asAdmin() {
        http = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
    }

    @Test
    void setRotateEraseNeverShowsAValueAndShredsOldCiphertexts(CapturedOutput output) {
        JsonNode created = put(name, first).expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(created.get("version").asLong()).isEqualTo(1);
        assertThat(created.get("hint").asText()).isEqualTo("****" + first.substring(first.length() - 4));
        assertThat(created.get("fingerprint").asText()).startsWith("hmac-sha256:");
        assertThat(values.revealNow(name)).isEqualTo(first);

        JsonNode rotated = put(name, second).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(rotated.get("version").asLong()).isEqualTo(2);
        assertThat(rotated.get("fingerprint").asText()).isNotEqualTo(created.get("fingerprint").asText());
        assertThat(values.revealNow(name)).isEqualTo(second);
        JsonNode again = put(name, first).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(again.get("fingerprint").asText()).as("same value, same fingerprint")
                .isEqualTo(created.get("fingerprint").asText());

        String everythingExposed = http.get().uri("/api/secrets").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody()
                + http.get().uri("/api/secrets/" + name).exchange().expectBody(String.class).returnResult().getResponseBody();
        String history = String.join("\n", jdbc.queryForList(
                "SELECT CONCAT(payloadType, CAST(payload AS CHAR), COALESCE(CAST(metaData AS CHAR), '')) FROM DomainEventEntry",
                String.class));
        for (String value : List.of(first, second)) {
            assertThat(everythingExposed).doesNotContain(value);
            assertThat(history).doesNotContain(value);
            assertThat(output.getAll()).doesNotContain(value);
        }
        assertThat(history).contains("io.agentworkspace.secret.SecretRotated");

        List<String> ciphertexts = jdbc.queryForList("SELECT JSON_VALUE(CAST(payload AS CHAR), '$.ciphertext') "
                + "FROM DomainEventEntry WHERE aggregateIdentifier = ? AND payloadType <> ?", String.class, name,
                SecretErased.class.getName());
        String keyId = jdbc.queryForObject("SELECT key_id FROM secrets WHERE name = ?", String.class, name);

        http.delete().uri("/api/secrets/" + name).exchange().expectStatus().isNoContent();
        assertThat(http.get().uri("/api/secrets/" + name).exchange().expectBody(JsonNode.class).returnResult()
                .getResponseBody().get("erasedAt").isNull()).isFalse();
        assertThatThrownBy(() -> values.revealNow(name)).hasMessageContaining("No secret");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM secret_data_keys WHERE key_id = ?", Integer.class, keyId)).isZero();
        assertThatThrownBy(() -> keys.open(keyId)).isInstanceOf(Envelope.SecretUnreadable.class);
        // nor does any key that is left open them: the old events are now noise
        List<DataKeys.KeyRow> remaining = jdbc.query("SELECT wrapped_key, master_key_id FROM secret_data_keys",
                (rs, n) -> new DataKeys.KeyRow(rs.getBytes(1), rs.getString(2)));
        List<String> remainingIds = jdbc.queryForList("SELECT key_id FROM secret_data_keys", String.class);
        assertThat(ciphertexts).hasSize(3);
        for (String ciphertext : ciphertexts) {
            for (int i = 0; i < remaining.size(); i++) {
                byte[] dataKey = keys.unwrap(remainingIds.get(i), remaining.get(i));
                for (long version = 1; version <= 3; version++) {
                    long v = version;
                    assertThatThrownBy(() -> Envelope.openValue(dataKey, name, v, ciphertext))
                            .isInstanceOf(Envelope.SecretUnreadable.class);
                }
            }
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?",
                Integer.class, name)).as("the history stays").isEqualTo(4);

        // the name can be used again, under a new data key, with versions still growing
        JsonNode reborn = put(name, second).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(reborn.get("version").asLong()).isEqualTo(4);
        assertThat(values.revealNow(name)).isEqualTo(second);
        assertThat(jdbc.queryForObject("SELECT key_id FROM secrets WHERE name = ?", String.class, name)).isNotEqualTo(keyId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad%01name", "1starts-with-digit", "has%20space", "semi;colon", "a%2Fslash"})
    void badNamesAreRefused(String badName) {
        http.put().uri("/api/secrets/" + badName).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", "whatever-value")).exchange()
                .expectStatus().is4xxClientError()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void emptyHugeAndMissingValuesAreRefusedWithoutEchoingThem(CapturedOutput output) {
        String huge = "H" + "x".repeat(SecretValue.MAX_BYTES) + "-test-only-huge-value";
        long events = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?", Long.class, name);
        for (Object body : List.of(Map.of("value", ""), Map.of("value", huge), Map.of(), Map.of("value", 42))) {
            String response = http.put().uri("/api/secrets/" + name).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange()
                    .expectStatus().is4xxClientError()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(response).doesNotContain("-test-only-huge-value");
        }
        assertThat(output.getAll()).doesNotContain("-test-only-huge-value");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?", Long.class, name)).isEqualTo(events);
    }

    @Test
    void erasingAnUnknownSecretIs404() {
        http.delete().uri("/api/secrets/never-set-" + UUID.randomUUID().toString().substring(0, 6)).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private WebTestClient.ResponseSpec put(String secret, String value) {
        return http.put().uri("/api/secrets/" + secret).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", value)).exchange();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
