package io.agentworkspace.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(written, true, StandardCharsets.UTF_8);

    @Test
    void notOnATerminalItPrintsPlainLinesAtMostEveryFewSecondsAndTheLastState() {
        ProgressBar bar = new ProgressBar(stream, "rebuilding x");
        for (int i = 1; i <= 1000; i++) {
            bar.update(i, 2000, "building");
        }
        bar.update(1500, 2000, "switching");
        bar.finish();
        String output = written.toString(StandardCharsets.UTF_8);
        assertThat(output).doesNotContain("\r");
        assertThat(output.lines()).as(output).hasSize(2);
        assertThat(output.lines().findFirst().orElseThrow()).startsWith("rebuilding x [").contains(" 1/2000 ");
        assertThat(output.lines().reduce((a, b) -> b).orElseThrow()).contains(" 75% 1500/2000 ").endsWith("switching");
    }

    @Test
    void onATerminalItRedrawsOneLineInPlace() {
        ProgressBar bar = new ProgressBar(stream, "verifying", true);
        bar.update(5, 10, "");
        bar.update(10, 10, "");
        bar.finish();
        String output = written.toString(StandardCharsets.UTF_8);
        assertThat(output).startsWith("\rverifying [").contains("\rverifying [##############################] 100%");
        assertThat(output.chars().filter(c -> c == '\n').count()).as("one line, ended by finish()").isEqualTo(1);
    }

    @Test
    void aStreamOtherThanStderrIsNeverATerminal() {
        assertThat(ProgressBar.isTerminal(stream)).isFalse();
    }
}
