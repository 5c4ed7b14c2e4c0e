package io.agentworkspace.secret;

import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import static org.axonframework.test.matchers.Matchers.predicate;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Given events, when a command, expect events: a secret is set, rotated under the same data key, erased with its key
 * destroyed, and set again under a new key; versions only grow. The events hold ciphertext, never the value.
 */
class SecretTest {

    static final String NAME = "openai-key";
    static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");
    static final String VALUE = "sk-fixture-" + "7f3a9c";

    AggregateTestFixture<Secret> fixture;
    InMemoryKeys keys;

    /** Data keys in memory: the keeper's decisions without a database. */
    static final class InMemoryKeys extends DataKeys {
        final Map<String, byte[]> live = new HashMap<>();
        final List<String> destroyed = new ArrayList<>();
        int created;

        InMemoryKeys() {
            super(null, null);
        }

        @Override
        Created create(String secretName) {
            String keyId = "key-" + (++created);
            byte[] key = Envelope.newDataKey();
            live.put(keyId, key.clone());
            return new Created(keyId, key);
        }

        @Override
        byte[] open(String keyId) {
            return live.get(keyId).clone();
        }

        @Override
        void destroy(String keyId) {
            live.remove(keyId);
            destroyed.add(keyId);
        }
    }

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Secret.class);
        keys = new InMemoryKeys();
        fixture.registerAnnotatedCommandHandler(new SecretKeeper(fixture.getRepository(), keys,
                Clock.fixed(AT, ZoneOffset.UTC)));
    }

    static SecretSet set(long version, String keyId) {
        return new SecretSet(NAME, version, keyId, "ciphertext-" + version, "fp-" + version, "sk-…9c", AT, "admin");
    }

    @Test
    void aNewSecretIsSetAsVersionOneUnderANewKeyAndHoldsNoValue() {
        fixture.givenNoPriorActivity()
                .when(new SetSecret(NAME, SecretValue.of(VALUE), "admin"))
                .expectResultMessagePayload(1L)
                .expectEventsMatching(payloadsMatching(exactSequenceOf(predicate(payload ->
                        payload instanceof SecretSet event && event.name().equals(NAME) && event.version() == 1
                                && event.keyId().equals("key-1") && !event.ciphertext().contains(VALUE)
                                && !event.hint().contains(VALUE) && event.setBy().equals("admin")), andNoMore())));
    }

    @Test
    void settingALiveSecretRotatesItUnderItsKey() {
        keys.create(NAME);
        fixture.given(set(1, "key-1"))
                .when(new SetSecret(NAME, SecretValue.of(VALUE), "ops"))
                .expectResultMessagePayload(2L)
                .expectEventsMatching(payloadsMatching(exactSequenceOf(predicate(payload ->
                        payload instanceof SecretRotated event && event.version() == 2 && event.keyId().equals("key-1")
                                && event.rotatedBy().equals("ops")), andNoMore())));
    }

    @Test
    void erasingDestroysTheKeyAndASecondEraseIsNotFound() {
        keys.create(NAME);
        fixture.given(set(1, "key-1"))
                .when(new EraseSecret(NAME, "admin"))
                .expectEvents(new SecretErased(NAME, "key-1", 1, AT, "admin"));
        org.assertj.core.api.Assertions.assertThat(keys.destroyed).containsExactly("key-1");
        fixture.given(set(1, "key-1"), new SecretErased(NAME, "key-1", 1, AT, "admin"))
                .when(new EraseSecret(NAME, "admin"))
                .expectException(RejectedCommand.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new EraseSecret(NAME, "admin"))
                .expectException(RejectedCommand.class).expectNoEvents();
    }

    @Test
    void aSecretSetAgainAfterErasureGetsANewKeyAndTheNextVersion() {
        fixture.given(set(1, "key-0"), new SecretErased(NAME, "key-0", 1, AT, "admin"))
                .when(new SetSecret(NAME, SecretValue.of(VALUE), "admin"))
                .expectResultMessagePayload(2L)
                .expectEventsMatching(payloadsMatching(exactSequenceOf(predicate(payload ->
                        payload instanceof SecretSet event && event.version() == 2 && event.keyId().equals("key-1")),
                        andNoMore())));
    }
}
