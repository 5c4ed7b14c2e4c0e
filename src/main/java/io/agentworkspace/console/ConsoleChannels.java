package io.agentworkspace.console;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Channel names, as the Pusher protocol allows them ({@code [A-Za-z0-9_\-=@,.;]}, at most 164 characters), and
 * the product's channels: {@code private-run.{runId}}, {@code private-project.{projectId}}, {@code private-ops};
 * operators watching a project join {@code presence-project.{projectId}}.
 */
public final class ConsoleChannels {

    public static final String OPS = "private-ops";
    public static final int MAX_LENGTH = 164;

    private ConsoleChannels() {
    }

    public static String run(String runId) {
        return "private-run." + runId;
    }

    public static String project(String projectId) {
        return "private-project." + projectId;
    }

    public static String projectPresence(String projectId) {
        return "presence-project." + projectId;
    }

    public static boolean isValid(String channel) {
        if (channel == null || channel.isEmpty() || channel.length() > MAX_LENGTH) {
            return false;
        }
        // [A-Za-z0-9_\-=@,.;], a character at a time: this runs for every published event
        for (int i = 0; i < channel.length(); i++) {
            char c = channel.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '=' || c == '@' || c == ',' || c == '.' || c == ';';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    public static boolean isPrivate(String channel) {
        return channel.startsWith("private-");
    }

    public static boolean isPresence(String channel) {
        return channel.startsWith("presence-");
    }

    /** Private and presence channels need a signed authorization to subscribe over the Pusher protocol. */
    public static boolean needsAuthorization(String channel) {
        return isPrivate(channel) || isPresence(channel);
    }

    /** Whether the text has a control character ({@code \p{Cntrl}}: U+0000-U+001F, U+007F). */
    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    public static String requireValid(String channel) {
        if (!isValid(channel)) {
            throw RejectedCommand.invalid("invalid-channel", "channel",
                    "channel must be 1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ - = @ , . ;");
        }
        return channel;
    }

    public static String requireValidEvent(String event) {
        if (event == null || event.isEmpty() || event.length() > 200 || hasControl(event) || event.startsWith("pusher:")
                || event.startsWith("pusher_internal:")) {
            throw RejectedCommand.invalid("invalid-event-name", "event",
                    "event name must be 1-200 characters without control characters and not start with pusher:");
        }
        return event;
    }
}
