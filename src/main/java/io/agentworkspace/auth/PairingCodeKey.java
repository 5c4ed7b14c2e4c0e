package io.agentworkspace.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.MasterKeySettings;
import io.agentworkspace.infrastructure.persistence.DataDirectory;

/**
 * The server key pairing codes are hashed with (HMAC-SHA256), so a recorded hash is worthless without it: a code
 * has only 40 bits, and an unkeyed hash of it could be searched in minutes by whoever reads the history. The key
 * is {@code agent.pairing.code-key} (base64) when set; otherwise derived from the master key every node of an
 * installation shares ({@code agent.secrets.master-key} or its file); otherwise, on the embedded default, a key
 * generated once into {@code <data>/pairing.key}. It is never stored in an event, a read model or a log.
 */
@Component
class PairingCodeKey {

    private static final byte[] PURPOSE = "agent-workspace pairing-code key v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] key;

    PairingCodeKey(PairingSettings settings, MasterKeySettings master, DataDirectory data) {
        String configured = settings.codeKey();
        String masterKey = master.masterKey();
        String masterKeyFile = master.masterKeyFile();
        if (!configured.isBlank()) {
            this.key = Base64.getDecoder().decode(configured.strip());
        } else if (!masterKey.isBlank()) {
            this.key = hmac(Base64.getDecoder().decode(masterKey.strip()), PURPOSE);
        } else if (!masterKeyFile.isBlank()) {
            this.key = hmac(read(Path.of(masterKeyFile)), PURPOSE);
        } else {
            this.key = generated(data.root().resolve("pairing.key"));
        }
        if (key.length < 32) {
            throw new IllegalStateException("agent.pairing.code-key must be at least 32 bytes (base64)");
        }
    }

    /** The keyed hash of a normalized code, hex. */
    String hash(String normalizedCode) {
        return HexFormat.of().formatHex(hmac(key, ("pairing:" + normalizedCode).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static byte[] generated(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path temporary = Files.createTempFile(file.getParent(), "pairing", ".key",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temporary, Base64.getEncoder().encodeToString(fresh));
                try {
                    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(temporary);
                }
            }
            return Base64.getDecoder().decode(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }
}
