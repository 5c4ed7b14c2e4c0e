package io.agentworkspace.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A one-line text progress bar on stderr. On a terminal it is redrawn in place (a carriage return), at most ten
 * times a second; written to a file, a pipe or a log (CI, journald) it prints plain lines instead, at most one every
 * {@link #PLAIN_EVERY} (the first at once) and the last state at the end, so a log holds readable lines and not one long line of
 * carriage returns.
 */
final class ProgressBar {

    static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final String label;
    private final boolean inPlace;
    private final long startedNanos = System.nanoTime();
    private long lastDrawn;
    private String pending;

    ProgressBar(PrintStream out, String label) {
        this(out, label, isTerminal(out));
    }

    ProgressBar(PrintStream out, String label, boolean inPlace) {
        this.out = out;
        this.label = label;
        this.inPlace = inPlace;
    }

    void update(long done, long total, String detail) {
        long now = System.nanoTime();
        String line = line(done, total, detail, now);
        long every = inPlace ? REDRAW_NANOS : PLAIN_EVERY.toNanos();
        if (now - lastDrawn < every && done < total) {
            pending = line;
            return;
        }
        lastDrawn = now;
        pending = null;
        if (inPlace) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    void finish() {
        if (inPlace) {
            out.println();
        } else if (pending != null) {
            out.println(pending);
        }
        pending = null;
        out.flush();
    }

    private String line(long done, long total, String detail, long now) {
        double fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / (double) total));
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(0.001, (now - startedNanos) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && total > done ? format(Duration.ofSeconds((long) Math.ceil((total - done) / rate))) : "-";
        return String.format("%s [%s%s] %3.0f%% %d/%d %.0f/s ETA %s %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), fraction * 100, done, total, rate, eta, detail).stripTrailing();
    }

    /** Whether the stream is the process's stderr and that is a terminal (Linux: what fd 2 points at). */
    static boolean isTerminal(PrintStream stream) {
        if (stream != System.err) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
            return System.console() != null;
        }
    }

    private static String format(Duration duration) {
        long s = duration.toSeconds();
        return s >= 3600 ? "%dh%02dm".formatted(s / 3600, s % 3600 / 60) : s >= 60 ? "%dm%02ds".formatted(s / 60, s % 60) : s + "s";
    }
}
