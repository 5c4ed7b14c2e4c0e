package io.agentworkspace.infrastructure.observability;

import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/** Blanks anything in a text shaped like a credential before the text leaves the process in an error report. */
final class Scrubber {

    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern KNOWN_TOKENS = Pattern.compile("aw_[0-9a-f]{16}\\.[A-Za-z0-9_-]+|sk-[A-Za-z0-9_-]{8,}");
    private static final Pattern NAMED_VALUES = Pattern.compile(
            "(?i)\\b(password|passwd|secret|token|api[_-]?key|authorization|key)(\"?\\s*[=:]\\s*\"?)[^\\s\",;&]+");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@]+@");

    private Scrubber() {
    }

    @Nullable
    static String scrub(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String scrubbed = AUTHORIZATION.matcher(text).replaceAll("$1 [scrubbed]");
        scrubbed = KNOWN_TOKENS.matcher(scrubbed).replaceAll("[scrubbed]");
        scrubbed = NAMED_VALUES.matcher(scrubbed).replaceAll("$1$2[scrubbed]");
        return URL_CREDENTIALS.matcher(scrubbed).replaceAll("$1[scrubbed]@");
    }
}
