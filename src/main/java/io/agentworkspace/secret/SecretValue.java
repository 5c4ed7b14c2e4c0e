package io.agentworkspace.secret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A plaintext secret value in memory: never printed (toString is redacted), never serialized, wiped once sealed.
 */
public final class SecretValue {

    public static final int MAX_BYTES = 64 * 1024;

    private final byte[] bytes;
    private final String hint;

    private SecretValue(byte[] bytes, String hint) {
        this.bytes = bytes;
        this.hint = hint;
    }

    public static SecretValue of(String value) {
        return new SecretValue(value.getBytes(StandardCharsets.UTF_8), Envelope.hint(value));
    }

    byte[] bytes() {
        return bytes;
    }

    String hint() {
        return hint;
    }

    public int length() {
        return bytes.length;
    }

    void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
