package io.agentworkspace.secret;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * For a restore drill: whether the secrets of this database open with this node's master key, and with no other.
 * Every current secret's data key is unwrapped and its value decrypted with the master key (the values are wiped at
 * once and never leave this class); then every wrapped data key is tried against a fresh random key, which the
 * authenticated encryption must refuse. Names only in the report, never values.
 */
@Component
public class SecretKeyCheck {

    /**
     * @param secrets            current (not erased) secrets
     * @param openWithMasterKey  of them, how many decrypt with this node's master key
     * @param openWithAnotherKey of them, how many data keys a random other key unwrapped (must be 0)
     * @param unreadable         names of the secrets that did not decrypt with the master key
     */
    public record Report(int secrets, int openWithMasterKey, int openWithAnotherKey, List<String> unreadable) {
    }

    private final JdbcTemplate jdbc;
    private final DataKeys keys;

    SecretKeyCheck(JdbcTemplate jdbc, DataKeys keys) {
        this.jdbc = jdbc;
        this.keys = keys;
    }

    private record Current(String name, long version, String keyId, String ciphertext, byte[] wrapped) {
    }

    public Report check() {
        List<Current> secrets = jdbc.query("""
                SELECT s.name, s.version, s.key_id, s.ciphertext, k.wrapped_key FROM secrets s
                LEFT JOIN secret_data_keys k ON k.key_id = s.key_id WHERE s.erased_at IS NULL ORDER BY s.name""",
                (row, n) -> new Current(row.getString(1), row.getLong(2), row.getString(3), row.getString(4),
                        row.getBytes(5)));
        MasterKey another = MasterKey.random();
        int opened = 0;
        int openedWithAnother = 0;
        List<String> unreadable = new ArrayList<>();
        for (Current secret : secrets) {
            byte[] dataKey = null;
            try {
                dataKey = keys.open(secret.keyId());
                wipe(Envelope.openValue(dataKey, secret.name(), secret.version(), secret.ciphertext()));
                opened++;
            } catch (RuntimeException refused) {
                unreadable.add(secret.name());
            } finally {
                wipe(dataKey);
            }
            if (secret.wrapped() != null) {
                try {
                    wipe(Envelope.unwrap(another, secret.keyId(), secret.wrapped()));
                    openedWithAnother++;
                } catch (RuntimeException refused) {
                    // what must happen: the tag does not verify under another key
                }
            }
        }
        return new Report(secrets.size(), opened, openedWithAnother, List.copyOf(unreadable));
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
