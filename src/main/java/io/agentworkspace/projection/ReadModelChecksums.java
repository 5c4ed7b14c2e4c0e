package io.agentworkspace.projection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * A checksum of every read model, to compare one installation with another (a restore drill with its backup) or a
 * rebuilt model with the live one: SHA-256 over the rows of the projection's tables in primary-key order, every
 * column (binary ones as their bytes). With it, where each projection's processor is in the history (its lowest segment position, read from the
 * token store without claiming anything), so a difference can be told apart from a model that merely lagged.
 */
@Component
public class ReadModelChecksums {

    /** @param position the lowest position any segment of its processor has reached; -1 before the first event */
    public record ReadModel(String projection, long rows, String checksum, long position) {
    }

    /** @param head the global index of the newest stored event, -1 when the store is empty */
    public record State(long head, Map<String, ReadModel> readModels) {
    }

    private static final byte[] NULL = {0, 'N', 0};
    private static final Set<Integer> BINARY = Set.of(Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB);
    private static final int FETCH_SIZE = 1000;

    private final JdbcTemplate jdbc;
    private final ProjectionCatalog catalog;
    private final Serializer serializer;

    ReadModelChecksums(JdbcTemplate jdbc, ProjectionCatalog catalog, Serializer serializer) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.serializer = serializer;
    }

    /** Every projection of the catalogue as it is now (blocking: reads every row). */
    public State capture() {
        Long head = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
        Map<String, ReadModel> models = new LinkedHashMap<>();
        for (ProjectionCatalog.Projection projection : catalog.all()) {
            models.put(projection.name(), readModel(projection));
        }
        return new State(head == null ? -1 : head, models);
    }

    public ReadModel readModel(ProjectionCatalog.Projection projection) {
        MessageDigest digest = sha256();
        long rows = 0;
        for (String table : projection.tables()) {
            digest.update(table.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 1);
            rows += digestRows(table, digest);
        }
        return new ReadModel(projection.name(), rows, HexFormat.of().formatHex(digest.digest()),
                position(projection.processingGroup()));
    }

    /**
     * Streams the table's rows into the digest (the driver fetches them in batches, never the whole table at once):
     * binary columns as their bytes, every other column as its text.
     */
    private long digestRows(String table, MessageDigest digest) {
        List<String> key = primaryKey(table);
        String order = key.isEmpty() ? "" : " ORDER BY " + String.join(", ", key);
        long[] rows = {0};
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + table + order,
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(FETCH_SIZE);
            return statement;
        }, (ResultSet row) -> {
            ResultSetMetaData columns = row.getMetaData();
            for (int i = 1; i <= columns.getColumnCount(); i++) {
                byte[] value = BINARY.contains(columns.getColumnType(i)) ? row.getBytes(i) : text(row.getString(i));
                digest.update(value == null ? NULL : value);
                digest.update((byte) 2);
            }
            digest.update((byte) 3);
            rows[0]++;
        });
        return rows[0];
    }

    @Nullable
    private static byte[] text(@Nullable String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> primaryKey(String table) {
        return jdbc.execute((ConnectionCallback<List<String>>) connection -> {
            DatabaseMetaData metadata = connection.getMetaData();
            List<String> columns = new ArrayList<>();
            for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
                try (ResultSet keys = metadata.getPrimaryKeys(connection.getCatalog(), null, name)) {
                    Map<Short, String> bySequence = new java.util.TreeMap<>();
                    while (keys.next()) {
                        bySequence.put(keys.getShort("KEY_SEQ"), keys.getString("COLUMN_NAME"));
                    }
                    columns.addAll(bySequence.values());
                }
                if (!columns.isEmpty()) {
                    break;
                }
            }
            return columns;
        });
    }

    /** The lowest position the processor's segments have stored, without claiming them; -1 without a token. */
    private long position(String processor) {
        List<Long> positions = jdbc.query("SELECT token, tokenType FROM TokenEntry WHERE processorName = ?",
                (row, n) -> {
                    byte[] token = row.getBytes(1);
                    String type = row.getString(2);
                    if (token == null || type == null) {
                        return -1L;
                    }
                    TrackingToken tracking = serializer.deserialize(
                            new SimpleSerializedObject<>(token, byte[].class, type, null));
                    OptionalLong position = tracking == null ? OptionalLong.empty() : tracking.position();
                    return position.orElse(-1);
                }, processor);
        return positions.stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
