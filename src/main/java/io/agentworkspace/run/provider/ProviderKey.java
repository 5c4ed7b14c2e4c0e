package io.agentworkspace.run.provider;

/** A provider API key in memory: never printed, never serialized. */
public final class ProviderKey {

    private final String value;

    public ProviderKey(String value) {
        this.value = value;
    }

    String value() {
        return value;
    }

    /** Removes the key from text that is about to leave (a failure reason), should a server have echoed it. */
    public String scrub(String text) {
        return value.length() < 8 ? text : text.replace(value, "[redacted]");
    }

    @Override
    public String toString() {
        return "ProviderKey[redacted]";
    }
}
