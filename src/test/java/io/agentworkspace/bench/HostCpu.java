package io.agentworkspace.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU figures every benchmark reports beside its throughput (docs/benchmarks.md): the host's busy share, the
 * CPU time of a server process (from /proc), and this JVM's own CPU time.
 */
final class HostCpu {

    record Sample(long hostBusy, long hostTotal, long serverTicks, long jvmNanos, long wallNanos) {
    }

    private final Long serverPid;

    HostCpu(Long serverPid) {
        this.serverPid = serverPid;
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
            if (serverPid != null) {
                String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                server = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Sample(total - idle, total, server, jvm, System.nanoTime());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
        Path pidFile = Path.of(System.getenv().getOrDefault("AGENT_SERVICES_DIR", ".services"), "mariadb.pid");
        try {
            return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
