package io.agentworkspace.console;

import java.util.regex.Pattern;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Channel names, as the Pusher protocol allows them ({@code [A-Za-z0-9_\-=@,.;]}, at most 164 characters), and
 * the product's channels: {@code private-run.{runId}}, {@code private-project.{projectId}}, {@code private-ops};
 * operators watching a project join {@code presence-project.{projectId}}.
 */
public final class ConsoleChannels {

    public static final String OPS = "private-ops";
    public static final int MAX_LENGTH = 164;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-=@,.;]{1," + MAX_LENGTH + "}");
    private static final Pattern EVENT = Pattern.compile("[^\\p{Cntrl}]{1,200}");

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
        return channel != null && NAME.matcher(channel).matches();
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

    public static String requireValid(String channel) {
        if (!isValid(channel)) {
            throw RejectedCommand.invalid("invalid-channel", "channel",
                    "channel must be 1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ - = @ , . ;");
        }
        return channel;
    }

    public static String requireValidEvent(String event) {
        if (event == null || !EVENT.matcher(event).matches() || event.startsWith("pusher:")
                || event.startsWith("pusher_internal:")) {
            throw RejectedCommand.invalid("invalid-event-name", "event",
                    "event name must be 1-200 characters without control characters and not start with pusher:");
        }
        return event;
    }
}
