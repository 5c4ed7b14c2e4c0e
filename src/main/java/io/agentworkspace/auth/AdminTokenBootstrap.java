package io.agentworkspace.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

/**
 * On the very first start (no token was ever issued), issues an admin token and writes it to
 * {@code <data>/admin-token}, readable by the service's user only; the log names the file, never the token.
 * Operators move it somewhere safe, issue narrower tokens with it, and delete the file.
 */
@Component
class AdminTokenBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);

    private final JdbcTemplate jdbc;
    private final TokenIssuance issuance;
    private final DataDirectory dataDirectory;
    private final boolean enabled;

    AdminTokenBootstrap(JdbcTemplate jdbc, TokenIssuance issuance, DataDirectory dataDirectory,
                        AuthSettings settings) {
        this.jdbc = jdbc;
        this.issuance = issuance;
        this.dataDirectory = dataDirectory;
        this.enabled = settings.bootstrapAdminToken();
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!enabled || anyTokenEverIssued()) {
            return;
        }
        Path file = dataDirectory.root().resolve("admin-token");
        TokenIssuance.Issued issued = issuance.issue("bootstrap admin", EnumSet.of(Ability.ALL), Preset.ADMIN, null,
                "bootstrap").block();
        writeOwnerOnly(file, issued.plaintext() + "\n");
        log.warn("No API token existed, so an admin token was issued and written to {} (owner-only). "
                + "Keep it safe, issue narrower tokens with it, then delete the file.", file);
    }

    private boolean anyTokenEverIssued() {
        return !jdbc.queryForList("SELECT 1 FROM DomainEventEntry WHERE payloadType = ? LIMIT 1", Integer.class,
                ApiTokenIssued.class.getName()).isEmpty();
    }

    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
