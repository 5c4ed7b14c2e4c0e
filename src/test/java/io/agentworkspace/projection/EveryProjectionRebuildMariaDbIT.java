package io.agentworkspace.projection;

import java.nio.file.Files;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/**
 * Every projection rebuilt under live traffic on MariaDB: shadow tables put in place by one atomic RENAME, with
 * every index of the tables they replace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.providers.script.enabled=true",
                "agent.projections.rebuild-max-rate=" + EveryProjectionRebuildContract.MAX_RATE})
@ActiveProfiles("mysql")
class EveryProjectionRebuildMariaDbIT extends EveryProjectionRebuildContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-every-rebuild-it"));
    }

    /** Every index, the secondary ones the shadow table is built without and gets back before the switch included. */
    @Override
    Map<String, List<String>> indexes(String table) {
        Map<String, List<String>> indexes = new TreeMap<>();
        jdbc.query("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX", (ResultSet row) -> {
            indexes.computeIfAbsent(row.getString("INDEX_NAME"), name -> new ArrayList<>()).add(row.getString("COLUMN_NAME"));
        }, table);
        return indexes;
    }
}
