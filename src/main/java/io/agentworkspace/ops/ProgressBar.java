package io.agentworkspace.ops;

import java.io.PrintStream;
import java.time.Duration;

/** A one-line text progress bar on stderr, redrawn in place, at most ten times a second. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long startedNanos = System.nanoTime();
    private long lastDrawn;

    ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(long done, long total, String detail) {
        long now = System.nanoTime();
        if (now - lastDrawn < 100_000_000L && done < total) {
            return;
        }
        lastDrawn = now;
        double fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / (double) total));
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(0.001, (now - startedNanos) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && total > done ? format(Duration.ofSeconds((long) Math.ceil((total - done) / rate))) : "-";
        out.printf("\r%s [%s%s] %3.0f%% %d/%d %.0f/s ETA %s %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                fraction * 100, done, total, rate, eta, detail);
        out.flush();
    }

    void finish() {
        out.println();
        out.flush();
    }

    private static String format(Duration duration) {
        long s = duration.toSeconds();
        return s >= 3600 ? "%dh%02dm".formatted(s / 3600, s % 3600 / 60) : s >= 60 ? "%dm%02ds".formatted(s / 60, s % 60) : s + "s";
    }
}
