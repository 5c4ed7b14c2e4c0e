package io.agentworkspace.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads an event processor's stored token straight from the token table, as an auditor of the store would. */
public final class Tokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokens() {
    }

    /** The global index the processor's token has reached, or -1 when it has none yet. */
    public static long position(JdbcTemplate jdbc, String processor) {
        List<byte[]> tokens = jdbc.queryForList("SELECT token FROM TokenEntry WHERE processorName = ?", byte[].class,
                processor);
        long lowest = Long.MAX_VALUE;
        for (byte[] token : tokens) {
            if (token == null) {
                return -1;
            }
            try {
                lowest = Math.min(lowest, JSON.readTree(new String(token, StandardCharsets.UTF_8)).get("index").asLong());
            } catch (Exception e) {
                throw new IllegalStateException("unreadable token of " + processor, e);
            }
        }
        return tokens.isEmpty() ? -1 : lowest;
    }
}
