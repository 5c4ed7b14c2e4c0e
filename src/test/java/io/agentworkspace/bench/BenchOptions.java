package io.agentworkspace.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A benchmark's {@code name=value} arguments over its defaults, and the bound on its run time. */
final class BenchOptions {

    private BenchOptions() {
    }

    static Map<String, Integer> parse(String[] args, Map<String, Integer> defaults) {
        Map<String, Integer> options = new HashMap<>(defaults);
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !options.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown option " + arg + "; options: " + options.keySet());
            }
            options.put(pair[0], Integer.parseInt(pair[1]));
        }
        return options;
    }

    /** Halts the JVM if the benchmark is still running after {@code seconds}: a stuck run never stays on the machine. */
    static void stopAfter(String benchmark, int seconds) {
        Thread watchdog = new Thread(() -> {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
            System.out.println(benchmark + ": over its time bound of " + seconds + " s, stopping");
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
