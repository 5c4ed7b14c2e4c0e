package io.agentworkspace.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text so that each piece, written as a JSON string, fits a console event ({@code agent.console.max-event-bytes}):
 * counts the bytes of every character as the event's JSON will hold it (escapes included), never splitting a
 * surrogate pair.
 */
final class ConsoleText {

    private ConsoleText() {
    }

    static List<String> split(String text, int maxEncodedBytes) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = prefixEnd(text, start, maxEncodedBytes);
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** The longest prefix that fits, with "…" appended when it had to be cut. */
    static String fit(String text, int maxEncodedBytes) {
        int end = prefixEnd(text, 0, maxEncodedBytes - 3);
        return end == text.length() ? text : text.substring(0, end) + "…";
    }

    private static int prefixEnd(String text, int start, int budget) {
        int used = 0;
        int i = start;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int cost = encodedBytes(codePoint);
            if (used + cost > budget && i > start) {
                break;
            }
            used += cost;
            i += Character.charCount(codePoint);
        }
        return i;
    }

    static int encodedBytes(int codePoint) {
        if (codePoint == '"' || codePoint == '\\' || codePoint == '\n' || codePoint == '\r' || codePoint == '\t'
                || codePoint == '\b' || codePoint == '\f') {
            return 2;
        }
        if (codePoint < 0x20) {
            return 6;
        }
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
