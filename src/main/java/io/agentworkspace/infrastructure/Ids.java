package io.agentworkspace.infrastructure;

import java.util.UUID;

/** Identifiers as the API takes them. */
public final class Ids {

    private Ids() {
    }

    /** Whether {@code id} is a UUID in its canonical form (lower case, hyphenated): the only form ids take. */
    public static boolean isUuid(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
