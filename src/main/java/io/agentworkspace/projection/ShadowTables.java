package io.agentworkspace.projection;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.SqlDialect;

/**
 * Shadow tables of a projection and the switch that puts them in place. On MariaDB/MySQL the switch is one
 * {@code RENAME TABLE live TO old, shadow TO live, ...}: atomic, across all the projection's tables at once, so a
 * query sees the old model or the new one, never neither. H2 has no atomic multi-table rename (its DDL commits on
 * its own), so there the shadow's rows replace the live rows in one transaction instead: readers see the old or the
 * new rows (MVCC), at a cost linear in the model's size, which the embedded single-node default can afford.
 */
@Component
class ShadowTables {

    static final String SHADOW = "__rebuild";
    static final String OLD = "__old";

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    ShadowTables(JdbcTemplate jdbc, HikariDataSource dataSource) {
        this.jdbc = jdbc;
        this.dialect = SqlDialect.of(dataSource.getJdbcUrl());
    }

    static String shadowOf(String table) {
        return table + SHADOW;
    }

    boolean atomicRename() {
        return dialect == SqlDialect.MYSQL;
    }

    /**
     * Empty copies of the tables: columns and keys. On MariaDB/MySQL without the secondary indexes, which cost more
     * kept up row by row through a long build than built once over the finished rows ({@link #index}); H2's copy
     * has none to begin with, its rows being copied into the live tables at the switch.
     */
    void create(List<String> tables) {
        drop(tables.stream().map(ShadowTables::shadowOf).toList());
        for (String table : tables) {
            if (atomicRename()) {
                jdbc.execute("CREATE TABLE " + shadowOf(table) + " LIKE " + table);
                Map<String, String> indexes = secondaryIndexes(table);
                if (!indexes.isEmpty()) {
                    jdbc.execute("ALTER TABLE " + shadowOf(table) + " " + indexes.keySet().stream()
                            .map(name -> "DROP INDEX `" + name + "`").collect(Collectors.joining(", ")));
                }
            } else {
                jdbc.execute("CREATE TABLE " + shadowOf(table) + " AS SELECT * FROM " + table + " WITH NO DATA");
                // H2 copies neither constraints nor NOT NULL with the columns: put them back from the metadata
                for (String column : notNullColumns(table)) {
                    jdbc.execute("ALTER TABLE " + shadowOf(table) + " ALTER COLUMN " + column + " SET NOT NULL");
                }
                List<String> key = primaryKey(table);
                if (!key.isEmpty()) {
                    jdbc.execute("ALTER TABLE " + shadowOf(table) + " ADD PRIMARY KEY (" + String.join(", ", key) + ")");
                }
            }
        }
    }

    /** MariaDB/MySQL: gives each shadow the live table's secondary indexes, all in one ALTER per table. */
    void index(List<String> tables) {
        if (!atomicRename()) {
            return;
        }
        for (String table : tables) {
            Map<String, String> indexes = secondaryIndexes(table);
            if (!indexes.isEmpty()) {
                jdbc.execute("ALTER TABLE " + shadowOf(table) + " " + indexes.entrySet().stream()
                        .map(index -> "ADD INDEX `" + index.getKey() + "` (" + index.getValue() + ")")
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    /** The table's non-unique B-tree indexes: name to column list, as {@code ADD INDEX} takes it. */
    private Map<String, String> secondaryIndexes(String table) {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        jdbc.query("SELECT INDEX_NAME, COLUMN_NAME, SUB_PART, COLLATION FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 1 AND INDEX_TYPE = 'BTREE' "
                + "ORDER BY INDEX_NAME, SEQ_IN_INDEX", (ResultSet row) -> {
            String column = "`" + row.getString("COLUMN_NAME") + "`"
                    + (row.getObject("SUB_PART") == null ? "" : "(" + row.getInt("SUB_PART") + ")")
                    + ("D".equals(row.getString("COLLATION")) ? " DESC" : "");
            columns.computeIfAbsent(row.getString("INDEX_NAME"), name -> new ArrayList<>()).add(column);
        }, table);
        Map<String, String> indexes = new LinkedHashMap<>();
        columns.forEach((name, parts) -> indexes.put(name, String.join(", ", parts)));
        return indexes;
    }

    boolean exists(String table) {
        return Boolean.TRUE.equals(jdbc.execute((java.sql.Connection connection) -> {
            DatabaseMetaData meta = connection.getMetaData();
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet found = meta.getTables(connection.getCatalog(), null, name, new String[] {"TABLE"})) {
                    if (found.next()) {
                        return true;
                    }
                }
            }
            return false;
        }));
    }

    void drop(List<String> tables) {
        tables.forEach(table -> jdbc.execute("DROP TABLE IF EXISTS " + table));
    }

    /** MariaDB/MySQL: the atomic rename; the replaced tables are left as {@code <table>__old} to drop. */
    void renameIntoPlace(List<String> tables) {
        drop(tables.stream().map(table -> table + OLD).toList());
        List<String> pairs = new ArrayList<>();
        for (String table : tables) {
            pairs.add(table + " TO " + table + OLD);
            pairs.add(shadowOf(table) + " TO " + table);
        }
        jdbc.execute("RENAME TABLE " + String.join(", ", pairs));
    }

    /** H2: replaces the live rows with the shadow's, inside the caller's transaction. */
    void copyIntoPlace(List<String> tables) {
        for (String table : tables) {
            jdbc.update("DELETE FROM " + table);
            jdbc.update("INSERT INTO " + table + " SELECT * FROM " + shadowOf(table));
        }
    }

    private List<String> notNullColumns(String table) {
        return jdbc.execute((java.sql.Connection connection) -> {
            List<String> columns = new ArrayList<>();
            try (ResultSet found = connection.getMetaData().getColumns(connection.getCatalog(), null,
                    table.toUpperCase(Locale.ROOT), null)) {
                while (found.next()) {
                    if (found.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls) {
                        columns.add(found.getString("COLUMN_NAME"));
                    }
                }
            }
            return columns;
        });
    }

    private List<String> primaryKey(String table) {
        return jdbc.execute((java.sql.Connection connection) -> {
            TreeMap<Short, String> columns = new TreeMap<>();
            try (ResultSet keys = connection.getMetaData().getPrimaryKeys(connection.getCatalog(), null,
                    table.toUpperCase(Locale.ROOT))) {
                while (keys.next()) {
                    columns.put(keys.getShort("KEY_SEQ"), keys.getString("COLUMN_NAME"));
                }
            }
            return new ArrayList<>(columns.values());
        });
    }
}
