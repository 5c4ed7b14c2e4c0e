package io.agentworkspace.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that wraps every secret's data key, given to the service at boot and never stored with the data:
 * {@code agent.secrets.master-key} (base64 of 32 bytes, e.g. from the environment) or a key file. Only the
 * embedded default may generate one (into the data directory); several nodes must share one key.
 */
final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalStateException("the secrets master key must be 32 bytes (base64 of 32 random bytes)");
        }
        this.key = new SecretKeySpec(bytes, "AES");
        this.id = identify(bytes);
        Arrays.fill(bytes, (byte) 0);
    }

    static MasterKey load(String base64, Path file, boolean mayGenerate) {
        if (base64 != null && !base64.isBlank()) {
            return new MasterKey(decode(base64.strip()));
        }
        try {
            if (Files.exists(file)) {
                return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
            }
            if (!mayGenerate) {
                throw new IllegalStateException("no secrets master key: set agent.secrets.master-key (AGENT_MASTER_KEY) "
                        + "or agent.secrets.master-key-file to the same 32-byte key on every node");
            }
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.createDirectories(file.getParent());
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))),
                    Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
            log.warn("Generated a secrets master key in {} (owner-only). Back it up apart from the data: without it "
                    + "no secret can be decrypted.", file);
            return new MasterKey(fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets master key file " + file, e);
        }
    }

    /** A fresh random key, held only in memory: what someone without the installation's key would have. */
    static MasterKey random() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return new MasterKey(fresh);
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secrets master key is not valid base64");
        }
    }

    /** A short public name for the key (not derivable backwards), recorded beside every data key it wraps. */
    private static String identify(byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("agent-workspace master key id".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(bytes), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    SecretKey key() {
        return key;
    }

    String id() {
        return id;
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
