package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a run's console channel may read like, as a grammar over its event names: queued; per attempt starting,
 * started, then output and tool events (a cancel request anywhere while it is active); an attempt ends interrupted
 * and requeued (the next attempt follows), or with exactly one terminal event (interrupted without requeue,
 * succeeded, failed, cancelled, timed-out) after which nothing follows. A queued run cancelled at once ends
 * cancelled without starting.
 */
final class CausalOrder {

    private static final String ATTEMPT = "sc?(?:r[oc]*)?";
    private static final Pattern RUN = Pattern.compile("qc?(?:" + ATTEMPT + "iu)*(?:" + ATTEMPT + "[it]|t)");

    private CausalOrder() {
    }

    static void assertRunChannel(List<String> names) {
        StringBuilder letters = new StringBuilder();
        for (String name : names) {
            letters.append(letter(name));
        }
        assertThat(RUN.matcher(letters).matches())
                .as("a run's console in causal order (%s): %s", letters, names).isTrue();
    }

    private static char letter(String name) {
        return switch (name) {
            case "run.queued" -> 'q';
            case "run.starting" -> 's';
            case "run.started" -> 'r';
            case "run.output", "run.tool-call", "run.tool-result" -> 'o';
            case "run.cancel-requested" -> 'c';
            case "run.interrupted" -> 'i';
            case "run.requeued" -> 'u';
            case "run.succeeded", "run.failed", "run.cancelled", "run.timed-out" -> 't';
            default -> '?';
        };
    }
}
