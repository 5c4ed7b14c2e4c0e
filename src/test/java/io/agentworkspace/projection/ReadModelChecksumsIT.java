package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.agentworkspace.support.TestServices;

/**
 * A read model's checksum on MariaDB covers binary columns byte for byte: two models that differ only in bytes that
 * are not UTF-8 text differ by checksum (read as strings, both became the same replacement character), and every
 * row of a table of thousands, read in batches, is in the digest.
 */
class ReadModelChecksumsIT {

    private static final ProjectionCatalog.Projection SAMPLE = new ProjectionCatalog.Projection("sample",
            "sample-processor", 1, true, List.of("sample"), "a table with a binary column");

    @Test
    void binaryColumnsCountByTheirBytes() {
        String ff = model("X'FF00'");
        String fe = model("X'FE00'");
        assertThat(ff).isNotEqualTo(fe);
        assertThat(model("X'FF00'")).as("the same bytes, the same checksum").isEqualTo(ff);
    }

    @Test
    void everyRowOfALargeTableIsDigested() {
        String database = TestServices.createDatabase();
        JdbcTemplate jdbc = jdbc(database);
        jdbc.execute("CREATE TABLE sample (id INT PRIMARY KEY, payload VARBINARY(64), note VARCHAR(64))");
        jdbc.execute("INSERT INTO sample SELECT seq, UNHEX(SHA1(seq)), CONCAT('row ', seq) FROM seq_1_to_5000");
        ReadModelChecksums.ReadModel all = checksums(jdbc).readModel(SAMPLE);
        assertThat(all.rows()).isEqualTo(5000);
        jdbc.update("UPDATE sample SET payload = UNHEX(SHA1(-1)) WHERE id = 4999");
        assertThat(checksums(jdbc).readModel(SAMPLE).checksum()).as("a change near the end counts")
                .isNotEqualTo(all.checksum());
    }

    private static String model(String payload) {
        String database = TestServices.createDatabase();
        JdbcTemplate jdbc = jdbc(database);
        jdbc.execute("CREATE TABLE sample (id INT PRIMARY KEY, payload VARBINARY(16))");
        jdbc.execute("INSERT INTO sample VALUES (1, " + payload + ")");
        ReadModelChecksums.ReadModel model = checksums(jdbc).readModel(SAMPLE);
        assertThat(model.rows()).isEqualTo(1);
        return model.checksum();
    }

    private static JdbcTemplate jdbc(String database) {
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(TestServices.jdbcUrl(database),
                TestServices.mariaDbUser(), TestServices.mariaDbPassword()));
        // where the processor stands is read from Axon's token store: empty here
        jdbc.execute("CREATE TABLE TokenEntry (processorName VARCHAR(255) NOT NULL, segment INT NOT NULL, "
                + "token BLOB, tokenType VARCHAR(255), PRIMARY KEY (processorName, segment))");
        return jdbc;
    }

    private static ReadModelChecksums checksums(JdbcTemplate jdbc) {
        return new ReadModelChecksums(jdbc, new ProjectionCatalog(), null);
    }
}
