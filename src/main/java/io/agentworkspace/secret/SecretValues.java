package io.agentworkspace.secret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.RejectedCommand;
import reactor.core.publisher.Mono;

/**
 * Decrypts a secret's current value, for internal services only (provider runners, the S3 driver, the Pusher
 * secret): no HTTP endpoint calls this. Callers must not log, return or store what it gives them.
 */
@Component
public class SecretValues {

    private final JdbcTemplate jdbc;
    private final DataKeys keys;
    private final BlockingWork blocking;

    SecretValues(JdbcTemplate jdbc, DataKeys keys, BlockingWork blocking) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.blocking = blocking;
    }

    public Mono<String> reveal(String name) {
        return blocking.call(() -> revealNow(name));
    }

    /** Blocking form, for callers already on a blocking thread. */
    public String revealNow(String name) {
        SecretName.check(name);
        var rows = jdbc.query("SELECT version, key_id, ciphertext FROM secrets WHERE name = ? AND erased_at IS NULL",
                (rs, n) -> new Current(rs.getLong(1), rs.getString(2), rs.getString(3)), name);
        if (rows.isEmpty()) {
            throw RejectedCommand.notFound("secret-not-found", "No secret " + name + ".");
        }
        Current current = rows.get(0);
        byte[] dataKey = keys.open(current.keyId());
        try {
            byte[] value = Envelope.openValue(dataKey, name, current.version(), current.ciphertext());
            String text = new String(value, StandardCharsets.UTF_8);
            Arrays.fill(value, (byte) 0);
            return text;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private record Current(long version, String keyId, String ciphertext) {
    }
}
