package io.agentworkspace.secret;

import java.time.Clock;
import java.util.Arrays;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Seals and records secrets inside the command's transaction: finds or creates the data key, seals the value
 * under it for the next version, and lets the aggregate record the result; erasing destroys the key in the same
 * transaction as the SecretErased event.
 */
@Component
class SecretKeeper {

    private final Repository<Secret> secrets;
    private final DataKeys keys;
    private final Clock clock;

    SecretKeeper(Repository<Secret> secrets, DataKeys keys, Clock clock) {
        this.secrets = secrets;
        this.keys = keys;
        this.clock = clock;
    }

    @CommandHandler
    long handle(SetSecret command) throws Exception {
        SecretName.check(command.name());
        Aggregate<Secret> secret = secrets.loadOrCreate(command.name(), Secret::new);
        Secret.State state = secret.invoke(Secret::state);
        String keyId;
        byte[] dataKey;
        if (state.live()) {
            keyId = state.keyId();
            dataKey = keys.open(keyId);
        } else {
            DataKeys.Created created = keys.create(command.name());
            keyId = created.keyId();
            dataKey = created.dataKey();
        }
        long version = state.version() + 1;
        try {
            byte[] value = command.value().bytes();
            Secret.Sealed sealed = new Secret.Sealed(version, keyId,
                    Envelope.sealValue(dataKey, command.name(), version, value),
                    Envelope.fingerprint(dataKey, value), command.value().hint());
            secret.execute(s -> s.set(sealed, clock.instant(), command.by(), command.name()));
            return version;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            command.value().wipe();
        }
    }

    @CommandHandler
    void handle(EraseSecret command) {
        Aggregate<Secret> secret;
        try {
            secret = secrets.load(command.name());
        } catch (AggregateNotFoundException e) {
            throw RejectedCommand.notFound("secret-not-found", "No secret " + command.name() + ".");
        }
        Secret.State state = secret.invoke(Secret::state);
        secret.execute(s -> s.erase(clock.instant(), command.by()));
        keys.destroy(state.keyId());
    }
}
