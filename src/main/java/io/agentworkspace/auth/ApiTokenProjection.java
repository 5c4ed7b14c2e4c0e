package io.agentworkspace.auth;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

/** Builds {@code api_tokens}: what authentication looks tokens up in. */
@Component
@ProcessingGroup(ApiTokenProjection.PROCESSOR)
class ApiTokenProjection {

    static final String PROCESSOR = "api-tokens";

    private final ProjectionWriter writer;

    ApiTokenProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(ApiTokenIssued event) {
        writer.updateRow(event.tokenId(), """
                INSERT INTO %s (token_id, name, abilities, preset, secret_sha256, expires_at, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""".formatted(table()),
                event.tokenId(), event.name(), String.join(" ", event.abilities()), event.preset(),
                event.secretSha256(), UtcColumns.column(event.expiresAt()), UtcColumns.column(event.issuedAt()), event.issuedBy());
    }

    @EventHandler
    void on(ApiTokenRevoked event) {
        writer.updateRow(event.tokenId(), "UPDATE " + table() + " SET revoked_at = ?, revoke_reason = ? WHERE token_id = ?",
                UtcColumns.column(event.revokedAt()), event.reason(), event.tokenId());
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM " + table());
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String table() {
        return ProjectionTables.of("api_tokens");
    }
}
