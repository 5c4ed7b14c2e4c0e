package io.agentworkspace.console.web;

import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Resume cursors as clients send them: a log id, a non-negative decimal number. */
final class Cursors {

    private Cursors() {
    }

    @Nullable
    static Long parse(@Nullable String text, String field) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw RejectedCommand.invalid("invalid-cursor", field, field + " must be an event id: a non-negative number");
        }
        return Long.parseLong(text);
    }
}
