package io.agentworkspace.auth;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

/** Builds {@code pairings}: every pairing code, where it stands, and the device it paired. */
@Component
@ProcessingGroup(PairingProjection.PROCESSOR)
class PairingProjection {

    static final String PROCESSOR = "pairings";

    private final ProjectionWriter writer;

    PairingProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(PairingCodeIssued event) {
        writer.updateRow(event.pairingId(), "INSERT INTO " + table() + " (pairing_id, code_sha256, label, expires_at, issued_at, issued_by) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                event.pairingId(), event.codeHmac(), event.label(), UtcColumns.column(event.expiresAt()), UtcColumns.column(event.issuedAt()),
                event.issuedBy());
    }

    @EventHandler
    void on(DevicePaired event) {
        writer.updateRow(event.pairingId(), "UPDATE " + table() + " SET device_name = ?, token_id = ?, paired_at = ? WHERE pairing_id = ?",
                event.deviceName(), event.tokenId(), UtcColumns.column(event.pairedAt()), event.pairingId());
    }

    @EventHandler
    void on(PairingRevoked event) {
        writer.updateRow(event.pairingId(), "UPDATE " + table() + " SET revoked_at = ? WHERE pairing_id = ?", UtcColumns.column(event.revokedAt()), event.pairingId());
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM " + table());
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String table() {
        return ProjectionTables.of("pairings");
    }
}
