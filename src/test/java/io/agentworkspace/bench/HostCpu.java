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
 */
final class HostCpu {

    record Sample(long hostBusy, long hostTotal, long serverTicks, long jvmNanos, long wallNanos) {
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
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
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
            return new Sample(total - idle, total, server, jvm, System.nanoTime());
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
        double hostBusy = 100.0 * (to.hostBusy() - from.hostBusy()) / Math.max(1, to.hostTotal() - from.hostTotal());
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
