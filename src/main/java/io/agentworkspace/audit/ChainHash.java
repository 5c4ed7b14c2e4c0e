package io.agentworkspace.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.lang.Nullable;

/**
 * The link of the chain: {@code SHA-256(previous hash || canonical bytes of the row)}. The canonical bytes are
 * every column of the stored row, each length-prefixed (null as length -1), so no two different rows encode alike
 * and moving, renumbering or editing any byte of an event changes its link.
 */
final class ChainHash {

    static final String GENESIS = "0".repeat(64);
    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {
    }

    static String link(String previous, StoredEvent event) {
        MessageDigest sha = sha256();
        sha.update(HEX.parseHex(previous));
        sha.update(ByteBuffer.allocate(16).putLong(event.position()).putLong(event.sequence()).array());
        text(sha, event.eventId());
        text(sha, event.aggregateId());
        text(sha, event.aggregateType());
        text(sha, event.timestamp());
        text(sha, event.type());
        text(sha, event.revision());
        bytes(sha, event.payload());
        bytes(sha, event.metaData());
        return HEX.formatHex(sha.digest());
    }

    private static void text(MessageDigest sha, @Nullable String value) {
        bytes(sha, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(MessageDigest sha, @Nullable byte[] value) {
        sha.update(ByteBuffer.allocate(4).putInt(value == null ? -1 : value.length).array());
        if (value != null) {
            sha.update(value);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
