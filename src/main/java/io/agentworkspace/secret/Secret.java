package io.agentworkspace.secret;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;

import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * A named secret's life: set, rotated any number of times, erased, possibly set again under a new data key.
 * Versions only grow, across erasures too.
 */
@Aggregate
class Secret {

    /** What the keeper needs to seal the next version. */
    record State(long version, String keyId, boolean live) {
    }

    /** A sealed next version, ready to be recorded. */
    record Sealed(long version, String keyId, String ciphertext, String fingerprint, String hint) {
    }

    @AggregateIdentifier
    private String name;
    private long version;
    private String keyId;
    private boolean live;

    protected Secret() {
    }

    State state() {
        return new State(version, keyId, live);
    }

    void set(Sealed sealed, Instant at, String by, String nameIfNew) {
        if (sealed.version() != version + 1) {
            throw RejectedCommand.conflict("secret-version-conflict", "The secret changed concurrently; retry.");
        }
        if (live) {
            apply(new SecretRotated(name, sealed.version(), sealed.keyId(), sealed.ciphertext(), sealed.fingerprint(),
                    sealed.hint(), at, by));
        } else {
            apply(new SecretSet(name != null ? name : nameIfNew, sealed.version(), sealed.keyId(), sealed.ciphertext(),
                    sealed.fingerprint(), sealed.hint(), at, by));
        }
    }

    void erase(Instant at, String by) {
        if (!live) {
            throw RejectedCommand.notFound("secret-not-found", "No secret " + name + ".");
        }
        apply(new SecretErased(name, keyId, version, at, by));
    }

    @EventSourcingHandler
    void on(SecretSet event) {
        name = event.name();
        version = event.version();
        keyId = event.keyId();
        live = true;
    }

    @EventSourcingHandler
    void on(SecretRotated event) {
        version = event.version();
    }

    @EventSourcingHandler
    void on(SecretErased event) {
        live = false;
        keyId = null;
    }
}
