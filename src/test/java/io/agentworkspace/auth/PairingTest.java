package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Given events, when a command, expect events: a pairing code is redeemed once, before it expires, with its code,
 * and the device's token is issued in the same unit of work; revoking a redeemed pairing revokes that token too.
 */
class PairingTest {

    static final String PAIRING = "8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e";
    static final String HMAC = "3a7bd3e2360a3d29eea436fcfb7e44c7";
    static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");
    static final Duration DEVICE_TTL = Duration.ofDays(90);
    static final PairingCodeIssued ISSUED = new PairingCodeIssued(PAIRING, HMAC, "Ana's iPhone", AT.plusSeconds(300), AT, "admin");

    AggregateTestFixture<Pairing> fixture;
    /** The device tokens' own store: the desk writes them in the same unit of work as the pairing's events. */
    EmbeddedEventStore tokenEvents;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Pairing.class);
        Clock clock = Clock.fixed(AT.plusSeconds(60), ZoneOffset.UTC);
        fixture.registerInjectableResource(clock);
        tokenEvents = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        EventSourcingRepository<ApiToken> tokens = EventSourcingRepository.builder(ApiToken.class)
                .eventStore(tokenEvents).build();
        fixture.registerAnnotatedCommandHandler(new PairingDesk(fixture.getRepository(), tokens, clock, DEVICE_TTL));
    }

    private List<Object> tokenEvents() {
        return tokenEvents.readEvents("tok_device").asStream().map(event -> (Object) event.getPayload()).toList();
    }

    @Test
    void issuingRecordsOnlyTheCodesKeyedHash() {
        fixture.givenNoPriorActivity()
                .when(new IssuePairingCode(PAIRING, HMAC, "Ana's iPhone", AT.plusSeconds(300), "admin"))
                .expectEvents(new PairingCodeIssued(PAIRING, HMAC, "Ana's iPhone", AT.plusSeconds(300), AT.plusSeconds(60), "admin"));
    }

    @Test
    void theRightCodeInTimePairsTheDeviceAndIssuesItsMobileToken() {
        Instant now = AT.plusSeconds(60);
        fixture.given(ISSUED)
                .when(new RedeemPairing(PAIRING, HMAC, "iPhone 16", "tok_device", "5e884898da280471"))
                .expectEvents(new DevicePaired(PAIRING, "iPhone 16", "tok_device", now));
        assertThat(tokenEvents()).containsExactly(new ApiTokenIssued("tok_device", "iPhone 16",
                Preset.MOBILE.abilities().stream().sorted().map(Ability::wireName).toList(), Preset.MOBILE.wireName(),
                "5e884898da280471", now.plus(DEVICE_TTL), now, "pairing:" + PAIRING));
    }

    @Test
    void aWrongCodeAUsedCodeAndAnExpiredCodeAllReadTheSame() {
        fixture.given(ISSUED)
                .when(new RedeemPairing(PAIRING, "0000000000000000", "iPhone", "tok_x", "aa"))
                .expectException(RejectedCommand.class).expectExceptionMessage(Pairing.UNUSABLE).expectNoEvents();
        fixture.given(ISSUED, new DevicePaired(PAIRING, "iPhone 16", "tok_device", AT.plusSeconds(30)))
                .when(new RedeemPairing(PAIRING, HMAC, "second phone", "tok_y", "bb"))
                .expectException(RejectedCommand.class).expectExceptionMessage(Pairing.UNUSABLE).expectNoEvents();
        fixture.given(new PairingCodeIssued(PAIRING, HMAC, null, AT.plusSeconds(30), AT, "admin"))
                .when(new RedeemPairing(PAIRING, HMAC, "late phone", "tok_z", "cc"))
                .expectException(RejectedCommand.class).expectExceptionMessage(Pairing.UNUSABLE).expectNoEvents();
    }

    @Test
    void anUpcastFirstRevisionCodeCanNeverBeRedeemed() {
        fixture.given(new PairingCodeIssued(PAIRING, "", null, AT.plusSeconds(300), AT, "admin"))
                .when(new RedeemPairing(PAIRING, "", "iPhone", "tok_x", "aa"))
                .expectException(RejectedCommand.class).expectNoEvents();
    }

    @Test
    void revokingARedeemedPairingRevokesItsDeviceTokenOnce() {
        Instant now = AT.plusSeconds(60);
        ApiTokenIssued deviceToken = new ApiTokenIssued("tok_device", "iPhone 16", List.of("console:read"), "mobile",
                "5e884898da280471", now.plus(DEVICE_TTL), AT.plusSeconds(30), "pairing:" + PAIRING);
        tokenEvents.publish(new GenericDomainEventMessage<>("ApiToken", "tok_device", 0, deviceToken));
        fixture.given(ISSUED, new DevicePaired(PAIRING, "iPhone 16", "tok_device", AT.plusSeconds(30)))
                .when(new RevokePairing(PAIRING, "admin"))
                .expectEvents(new PairingRevoked(PAIRING, "tok_device", now, "admin"));
        assertThat(tokenEvents()).containsExactly(deviceToken, new ApiTokenRevoked("tok_device", "pairing revoked", now, "admin"));
        fixture.given(ISSUED, new DevicePaired(PAIRING, "iPhone 16", "tok_device", AT.plusSeconds(30)),
                        new PairingRevoked(PAIRING, "tok_device", AT.plusSeconds(40), "admin"))
                .when(new RevokePairing(PAIRING, "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void anUnknownPairingIsNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RevokePairing(PAIRING, "admin"))
                .expectException(RejectedCommand.class).expectExceptionMessage("No pairing " + PAIRING + ".");
    }
}
