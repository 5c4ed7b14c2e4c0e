package io.agentworkspace.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The host processes of an agent executable (a fake claude), seen from outside its sandbox's pid namespace. */
public final class AgentProcesses {

    private AgentProcesses() {
    }

    /** Every process whose command line names {@code executable} (the sandbox and the script), and their descendants. */
    public static List<ProcessHandle> of(Path executable) {
        return ProcessHandle.allProcesses().filter(process -> runs(process, executable))
                .flatMap(process -> Stream.concat(Stream.of(process), process.descendants()))
                .distinct().toList();
    }

    /** Whether every one of them has ended, and nothing running names {@code executable} any more. */
    public static boolean allEnded(List<ProcessHandle> processes, Path executable) {
        return processes.stream().allMatch(AgentProcesses::ended)
                && ProcessHandle.allProcesses().noneMatch(process -> runs(process, executable) && !ended(process));
    }

    /** Gone, or a zombie waiting for its parent to collect it: either way it runs no more. */
    public static boolean ended(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }

    private static boolean runs(ProcessHandle process, Path executable) {
        return process.info().commandLine().orElse("").contains(executable.toString());
    }
}
