package io.agentworkspace.secret;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * The data-key store: each secret's data key, wrapped by the master key, in a mutable table outside the event
 * history. Writes join the command's transaction, so a key and the event that first uses it (or the erase that
 * destroys it) commit together.
 */
@Component
class DataKeys {

    private final JdbcTemplate jdbc;
    private final MasterKey master;

    DataKeys(JdbcTemplate jdbc, MasterKey master) {
        this.jdbc = jdbc;
        this.master = master;
    }

    record Created(String keyId, byte[] dataKey) {
    }

    Created create(String secretName) {
        byte[] id = new byte[8];
        new java.security.SecureRandom().nextBytes(id);
        String keyId = HexFormat.of().formatHex(id);
        byte[] dataKey = Envelope.newDataKey();
        jdbc.update("INSERT INTO secret_data_keys (key_id, secret_name, wrapped_key, master_key_id, created_at) "
                        + "VALUES (?, ?, ?, ?, ?)",
                keyId, secretName, Envelope.wrap(master, keyId, dataKey), master.id(),
                UtcColumns.column(java.time.Instant.now()));
        return new Created(keyId, dataKey);
    }

    /** The plaintext data key; callers wipe it when done. */
    byte[] open(String keyId) {
        List<KeyRow> rows = jdbc.query("SELECT wrapped_key, master_key_id FROM secret_data_keys WHERE key_id = ?",
                (rs, n) -> new KeyRow(rs.getBytes(1), rs.getString(2)), keyId);
        if (rows.isEmpty()) {
            throw new Envelope.SecretUnreadable("the data key " + keyId + " no longer exists (the secret was erased)");
        }
        return unwrap(keyId, rows.get(0));
    }

    record KeyRow(byte[] wrapped, String masterKeyId) {
    }

    byte[] unwrap(String keyId, KeyRow row) {
        if (!master.id().equals(row.masterKeyId())) {
            throw new Envelope.SecretUnreadable("data key " + keyId + " is wrapped by master key " + row.masterKeyId()
                    + ", but this node runs with master key " + master.id());
        }
        return Envelope.unwrap(master, keyId, row.wrapped());
    }

    /** Crypto-shredding: overwrite, then delete, so no copy of the wrapped key survives in this table. */
    void destroy(String keyId) {
        byte[] noise = new byte[60];
        Arrays.fill(noise, (byte) 0);
        jdbc.update("UPDATE secret_data_keys SET wrapped_key = ? WHERE key_id = ?", noise, keyId);
        jdbc.update("DELETE FROM secret_data_keys WHERE key_id = ?", keyId);
    }
}
