package io.agentworkspace.secret;

import java.util.regex.Pattern;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Secret names: a letter, then letters, digits, {@code _ . -}; at most 100 characters. */
final class SecretName {

    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,99}");

    private SecretName() {
    }

    static void check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw RejectedCommand.invalid("invalid-secret-name", "name",
                    "name must start with a letter and hold only letters, digits, '_', '.', '-' (at most 100)");
        }
    }
}
