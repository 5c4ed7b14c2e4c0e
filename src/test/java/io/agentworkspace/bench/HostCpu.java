package io.agentworkspace.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.springframework.lang.Nullable;

/**
 * CPU figures every benchmark reports beside its throughput (docs/benchmarks.md): the host's busy share, the
 * CPU time of a server process (from /proc), and this JVM's own CPU time.
 *
 * <p>The host's busy share is the CPU time every process used (each one's {@code /proc/<pid>/stat}) over the wall
 * time times the cores, not {@code /proc/stat}'s idle counter: on this VM's kernel that counter is sampled at the
 * timer tick, and a load on a fixed schedule (a publisher every millisecond, a server that answers within it)
 * sleeps at the ticks often enough to read as 5 % busy while its processes used 25 % (seen beside {@code vmstat} with
 * nginx + nchan). A process's own CPU time is its scheduler's exact run time.
 */
final class HostCpu {

    /** @param processTicks CPU time (ticks) of every process at the time, by pid */
    record Sample(Map<Long, Long> processTicks, long serverTicks, long jvmNanos, long wallNanos) {
    }

    private final List<Long> serverPids;
    @Nullable
    private final Supplier<Collection<Long>> comingAndGoing;
    /** the last CPU time seen of each process {@link #comingAndGoing} named, kept once it is gone */
    private final Map<Long, Long> lastSeen = new ConcurrentHashMap<>();

    HostCpu(Long serverPid) {
        this(serverPid == null ? List.of() : List.of(serverPid), null);
    }

    private HostCpu(List<Long> serverPids, @Nullable Supplier<Collection<Long>> comingAndGoing) {
        this.serverPids = serverPids;
        this.comingAndGoing = comingAndGoing;
        if (comingAndGoing != null) {
            Thread poller = new Thread(() -> {
                while (true) {
                    follow();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "host-cpu-follow");
            poller.setDaemon(true);
            poller.start();
        }
    }

    /**
     * The server is whichever processes {@code pids} names at the time (a deploy's slots: the new one starts and the
     * old one exits between two samples). They are polled every 100 ms and each one's last CPU time is kept after it
     * exits, so a sample counts what a process used until its last poll (a process that is not our child leaves no
     * trace of its CPU time once reaped).
     */
    static HostCpu following(Supplier<Collection<Long>> pids) {
        return new HostCpu(List.of(), pids);
    }

    /** @param serverPids the processes whose CPU time together is the server's (a service and its database, ...) */
    static HostCpu ofProcesses(List<Long> serverPids) {
        return new HostCpu(serverPids.stream().filter(java.util.Objects::nonNull).toList(), null);
    }

    Sample sample() {
        try {
            long server = 0;
            for (long pid : serverPids) {
                server += ticks(pid);
            }
            if (comingAndGoing != null) {
                follow();
                server += lastSeen.values().stream().mapToLong(Long::longValue).sum();
            }
            long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Sample(everyProcess(), server, jvm, System.nanoTime());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void follow() {
        for (long pid : comingAndGoing.get()) {
            try {
                long ticks = ticks(pid);
                if (ticks > 0) {
                    lastSeen.merge(pid, ticks, Math::max);
                }
            } catch (IOException | RuntimeException gone) {
                // exited between the listing and the read: its last poll stands
            }
        }
    }

    private static Map<Long, Long> everyProcess() throws IOException {
        Map<Long, Long> ticks = new java.util.HashMap<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    try {
                        ticks.put(Long.parseLong(name), ticks(Long.parseLong(name)));
                    } catch (IOException | RuntimeException gone) {
                        // exited between the listing and the read
                    }
                }
            }
        }
        return ticks;
    }

    /**
     * The host's busy share between two samples, in %: the CPU time of the processes alive at the second (a
     * process started in between counts whole) over the wall time times the cores.
     */
    static double busyPercent(Sample from, Sample to) {
        long used = 0;
        for (Map.Entry<Long, Long> process : to.processTicks().entrySet()) {
            used += Math.max(0, process.getValue() - from.processTicks().getOrDefault(process.getKey(), 0L));
        }
        double wallTicks = (to.wallNanos() - from.wallNanos()) / 1e7 * Runtime.getRuntime().availableProcessors();
        return 100.0 * used / Math.max(1, wallTicks);
    }

    /** A process's user + system CPU time in clock ticks (1/100 s), 0 once it is gone. */
    static long ticks(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return 0;
        }
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Host busy %, server CPU seconds, JVM CPU seconds between two samples. */
    static String describe(Sample from, Sample to) {
        double hostBusy = busyPercent(from, to);
        double serverSeconds = (to.serverTicks() - from.serverTicks()) / 100.0;
        double jvmSeconds = (to.jvmNanos() - from.jvmNanos()) / 1e9;
        return String.format("host busy %.0f%%, server CPU %.2fs, driver JVM CPU %.2fs", hostBusy, serverSeconds, jvmSeconds);
    }

    static double serverSeconds(Sample from, Sample to) {
        return (to.serverTicks() - from.serverTicks()) / 100.0;
    }

    /** The PID of the MariaDB that deploy/dev/services.sh started, or null when it is not known. */
    static Long mariaDbPid() {
        return servicePid("mariadb.pid");
    }

    /** The PID of the Redis that deploy/dev/services.sh started, or null when it is not known. */
    static Long redisPid() {
        return servicePid("redis.pid");
    }

    private static Long servicePid(String file) {
        Path pidFile = Path.of(System.getenv().getOrDefault("AGENT_SERVICES_DIR", ".services"), file);
        try {
            return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
