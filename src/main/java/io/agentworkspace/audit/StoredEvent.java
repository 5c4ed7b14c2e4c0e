package io.agentworkspace.audit;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.lang.Nullable;

/**
 * One row of the event store exactly as stored: the bytes the chain hashes and auditors read.
 *
 * @param position      the global index
 * @param aggregateType Axon's {@code type} column
 * @param type          the payload type (the event's class name)
 */
public record StoredEvent(long position, String eventId, String aggregateId, long sequence,
                          @Nullable String aggregateType, String timestamp, String type, @Nullable String revision,
                          byte[] payload, @Nullable byte[] metaData) {

    /** The columns {@link #read} expects, from {@code DomainEventEntry e}. */
    static final String COLUMNS = "e.globalIndex, e.eventIdentifier, e.aggregateIdentifier, e.sequenceNumber, e.type, "
            + "e.timeStamp, e.payloadType, e.payloadRevision, e.payload, e.metaData";

    static StoredEvent read(ResultSet row) throws SQLException {
        return new StoredEvent(row.getLong("globalIndex"), row.getString("eventIdentifier"),
                row.getString("aggregateIdentifier"), row.getLong("sequenceNumber"), row.getString("type"),
                row.getString("timeStamp"), row.getString("payloadType"), row.getString("payloadRevision"),
                row.getBytes("payload"), row.getBytes("metaData"));
    }
}
