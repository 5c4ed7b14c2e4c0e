package io.agentworkspace.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

/**
 * {@code agent.console.pusher.app-id|key|secret}. Without a configured secret (the embedded default) one is
 * generated on first start and kept in {@code <data>/pusher-secret}, readable by the service's user only; nodes
 * that share a log must be configured with the same secret.
 */
@Component
class ConfiguredPusherCredentials implements PusherCredentials {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredPusherCredentials.class);

    private final String appId;
    private final String key;
    private final String secret;

    ConfiguredPusherCredentials(ConsoleSettings settings, DataDirectory data) {
        ConsoleSettings.Pusher pusher = settings.pusher();
        this.appId = pusher.appId();
        this.key = pusher.key();
        this.secret = pusher.secret().isBlank() ? generatedSecret(data.root().resolve("pusher-secret")) : pusher.secret();
    }

    private static String generatedSecret(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = HexFormat.of().formatHex(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, secret + "\n");
            log.warn("No agent.console.pusher.secret configured: generated one in {} (owner-only)", file);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    @Override
    public String appId() {
        return appId;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "PusherCredentials[appId=" + appId + ", key=" + key + "]";
    }
}
