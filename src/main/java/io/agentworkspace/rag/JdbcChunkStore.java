package io.agentworkspace.rag;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.agentworkspace.infrastructure.persistence.SqlDialect;

/** {@link ChunkStore} on the service's JDBC database; the embedding column's format follows the dialect. */
@Component
class JdbcChunkStore implements ChunkStore {

    private static final int IN_LIST = 500;

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate transactions;
    private final EmbeddingColumn column;

    JdbcChunkStore(JdbcTemplate jdbc, PlatformTransactionManager transactions, HikariDataSource dataSource) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.transactions = new TransactionTemplate(transactions);
        this.column = EmbeddingColumn.of(SqlDialect.of(dataSource.getJdbcUrl()));
    }

    @Override
    public Map<String, IndexedFile> files(String projectId) {
        Map<String, IndexedFile> files = new HashMap<>();
        jdbc.query("SELECT path, content_sha256, embedder, chunk_count FROM rag_files WHERE project_id = ?",
                row -> {
                    files.put(row.getString(1), new IndexedFile(row.getString(1), row.getString(2), row.getString(3),
                            row.getInt(4)));
                }, projectId);
        return files;
    }

    @Override
    public Map<String, float[]> embeddingsByContent(String projectId, String embedder, Collection<String> hashes) {
        Map<String, float[]> found = new HashMap<>();
        List<String> all = new ArrayList<>(hashes);
        for (int from = 0; from < all.size(); from += IN_LIST) {
            MapSqlParameterSource parameters = new MapSqlParameterSource()
                    .addValue("project", projectId).addValue("embedder", embedder)
                    .addValue("hashes", all.subList(from, Math.min(all.size(), from + IN_LIST)));
            named.query("SELECT content_sha256, embedding FROM rag_chunks WHERE project_id = :project "
                    + "AND embedder = :embedder AND content_sha256 IN (:hashes)", parameters, row -> {
                        found.putIfAbsent(row.getString(1), column.read(row, "embedding"));
                    });
        }
        return found;
    }

    @Override
    public Change replace(String projectId, String embedder, List<FileChunks> files) {
        return transactions.execute(status -> {
            List<Long> removed = removeChunks(projectId, files.stream().map(FileChunks::path).toList());
            List<Object[]> rows = new ArrayList<>();
            List<Object[]> fileRows = new ArrayList<>();
            for (FileChunks file : files) {
                for (NewChunk chunk : file.chunks()) {
                    rows.add(new Object[] {projectId, file.path(), chunk.ordinal(), chunk.startLine(), chunk.endLine(),
                            chunk.contentSha256(), chunk.text(), embedder, column.write(chunk.embedding())});
                }
                fileRows.add(new Object[] {projectId, file.path(), file.contentSha256(), file.size(),
                        file.chunks().size(), embedder});
            }
            jdbc.batchUpdate("INSERT INTO rag_chunks (project_id, path, ordinal, start_line, end_line, content_sha256, "
                    + "text, embedder, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
            deleteFileRows(projectId, files.stream().map(FileChunks::path).toList());
            jdbc.batchUpdate("INSERT INTO rag_files (project_id, path, content_sha256, size_bytes, chunk_count, embedder) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", fileRows);
            return new Change(removed, addedRows(projectId, files));
        });
    }

    /** The ids the database gave the new chunks, read back by (path, ordinal): portable, unlike batch keys. */
    private List<ProjectVectors.Row> addedRows(String projectId, List<FileChunks> files) {
        Map<String, FileChunks> byPath = new HashMap<>();
        files.forEach(file -> byPath.put(file.path(), file));
        List<ProjectVectors.Row> added = new ArrayList<>();
        List<String> paths = new ArrayList<>(byPath.keySet());
        for (int from = 0; from < paths.size(); from += IN_LIST) {
            MapSqlParameterSource parameters = new MapSqlParameterSource().addValue("project", projectId)
                    .addValue("paths", paths.subList(from, Math.min(paths.size(), from + IN_LIST)));
            named.query("SELECT id, path, ordinal FROM rag_chunks WHERE project_id = :project AND path IN (:paths)",
                    parameters, row -> {
                        FileChunks file = byPath.get(row.getString(2));
                        NewChunk chunk = file.chunks().get(row.getInt(3));
                        added.add(new ProjectVectors.Row(row.getLong(1), file.path(), chunk.embedding()));
                    });
        }
        return added;
    }

    @Override
    public Change delete(String projectId, Collection<String> paths) {
        List<String> all = List.copyOf(paths);
        return transactions.execute(status -> {
            List<Long> removed = removeChunks(projectId, all);
            deleteFileRows(projectId, all);
            return new Change(removed, List.of());
        });
    }

    private List<Long> removeChunks(String projectId, List<String> paths) {
        List<Long> ids = new ArrayList<>();
        for (int from = 0; from < paths.size(); from += IN_LIST) {
            MapSqlParameterSource parameters = new MapSqlParameterSource().addValue("project", projectId)
                    .addValue("paths", paths.subList(from, Math.min(paths.size(), from + IN_LIST)));
            ids.addAll(named.queryForList("SELECT id FROM rag_chunks WHERE project_id = :project AND path IN (:paths)",
                    parameters, Long.class));
        }
        for (int from = 0; from < ids.size(); from += IN_LIST) {
            named.update("DELETE FROM rag_chunks WHERE id IN (:ids)",
                    new MapSqlParameterSource("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST))));
        }
        return ids;
    }

    private void deleteFileRows(String projectId, List<String> paths) {
        jdbc.batchUpdate("DELETE FROM rag_files WHERE project_id = ? AND path = ?", new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement statement, int i) throws SQLException {
                statement.setString(1, projectId);
                statement.setString(2, paths.get(i));
            }

            @Override
            public int getBatchSize() {
                return paths.size();
            }
        });
    }

    @Override
    public void forEachVector(String projectId, String embedder, Consumer<StoredVector> consumer) {
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement("SELECT id, path, embedding FROM rag_chunks "
                    + "WHERE project_id = ? AND embedder = ? ORDER BY path, id");
            statement.setString(1, projectId);
            statement.setString(2, embedder);
            statement.setFetchSize(1000);
            return statement;
        }, row -> {
            consumer.accept(new StoredVector(row.getLong(1), row.getString(2), column.read(row, "embedding")));
        });
    }

    @Override
    public long chunkCount(String projectId) {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM rag_chunks WHERE project_id = ?", Long.class, projectId);
        return count == null ? 0 : count;
    }

    @Override
    public long vectorCount(String projectId, String embedder) {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM rag_chunks WHERE project_id = ? AND embedder = ?",
                Long.class, projectId, embedder);
        return count == null ? 0 : count;
    }
}
