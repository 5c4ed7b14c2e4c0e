package io.agentworkspace.secret;

import java.time.LocalDateTime;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

/** Builds {@code secrets}: each secret's current version, ciphertext and public metadata. */
@Component
@ProcessingGroup(SecretProjection.PROCESSOR)
class SecretProjection {

    static final String PROCESSOR = "secrets";

    private final ProjectionWriter writer;

    SecretProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(SecretSet event) {
        LocalDateTime at = UtcColumns.column(event.setAt());
        // a name's first version creates its row (the aggregate numbers versions from 1, an erasure keeps the count)
        if (event.version() > 1) {
            writer.updateRow(event.name(), """
                    UPDATE %s SET version = ?, key_id = ?, ciphertext = ?, fingerprint = ?, hint = ?, updated_at = ?,
                    updated_by = ?, erased_at = NULL WHERE name = ?""".formatted(secrets()),
                    event.version(), event.keyId(), event.ciphertext(), event.fingerprint(), event.hint(), at,
                    event.setBy(), event.name());
        } else {
            writer.updateRow(event.name(), """
                    INSERT INTO %s (name, version, key_id, ciphertext, fingerprint, hint, created_at, updated_at,
                    updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""".formatted(secrets()),
                    event.name(), event.version(), event.keyId(), event.ciphertext(), event.fingerprint(), event.hint(),
                    at, at, event.setBy());
        }
    }

    @EventHandler
    void on(SecretRotated event) {
        writer.updateRow(event.name(), """
                UPDATE %s SET version = ?, ciphertext = ?, fingerprint = ?, hint = ?, updated_at = ?, updated_by = ?
                WHERE name = ?""".formatted(secrets()),
                event.version(), event.ciphertext(), event.fingerprint(), event.hint(), UtcColumns.column(event.rotatedAt()),
                event.rotatedBy(), event.name());
    }

    @EventHandler
    void on(SecretErased event) {
        writer.updateRow(event.name(), """
                UPDATE %s SET ciphertext = NULL, fingerprint = NULL, hint = NULL, key_id = NULL, erased_at = ?,
                updated_at = ?, updated_by = ? WHERE name = ?""".formatted(secrets()),
                UtcColumns.column(event.erasedAt()), UtcColumns.column(event.erasedAt()), event.erasedBy(), event.name());
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM %s".formatted(secrets()));
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String secrets() {
        return ProjectionTables.of("secrets");
    }
}
