package io.agentworkspace.rag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.agentworkspace.infrastructure.persistence.SqlDialect;

/**
 * How an embedding is stored in {@code rag_chunks.embedding}: a JSON array on MariaDB/MySQL (the column type the
 * original deployment uses, readable with the database's JSON functions), little-endian float32 bytes on H2. Parsed
 * only when the in-memory vectors are loaded, never per query.
 */
enum EmbeddingColumn {
    JSON {
        @Override
        Object write(float[] vector) {
            StringBuilder json = new StringBuilder(vector.length * 12 + 2).append('[');
            for (int i = 0; i < vector.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(vector[i]);
            }
            return json.append(']').toString();
        }

        @Override
        float[] read(ResultSet row, String column) throws SQLException {
            return parse(row.getString(column));
        }
    },
    BINARY {
        @Override
        Object write(float[] vector) {
            ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(vector);
            return bytes.array();
        }

        @Override
        float[] read(ResultSet row, String column) throws SQLException {
            byte[] bytes = row.getBytes(column);
            float[] vector = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
            return vector;
        }
    };

    abstract Object write(float[] vector);

    abstract float[] read(ResultSet row, String column) throws SQLException;

    static EmbeddingColumn of(SqlDialect dialect) {
        return dialect == SqlDialect.H2 ? BINARY : JSON;
    }

    /** A JSON array of numbers, as this class writes it and as MariaDB/MySQL return it (spaces allowed). */
    static float[] parse(String json) {
        int open = json.indexOf('[');
        int close = json.lastIndexOf(']');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a JSON array");
        }
        int count = 0;
        boolean any = false;
        for (int i = open + 1; i < close; i++) {
            char c = json.charAt(i);
            if (c == ',') {
                count++;
            } else if (!Character.isWhitespace(c)) {
                any = true;
            }
        }
        float[] vector = new float[any ? count + 1 : 0];
        int start = open + 1;
        for (int i = 0; i < vector.length; i++) {
            int end = json.indexOf(',', start);
            if (end < 0 || end > close) {
                end = close;
            }
            vector[i] = Float.parseFloat(json.substring(start, end).strip());
            start = end + 1;
        }
        return vector;
    }
}
