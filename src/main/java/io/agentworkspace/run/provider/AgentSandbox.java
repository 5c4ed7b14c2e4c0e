package io.agentworkspace.run.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.springframework.lang.Nullable;

/**
 * The operating-system boundary around an agent subprocess (Claude Code). With {@link Mode#BWRAP} the process runs
 * under bubblewrap in namespaces of its own: it sees the system directories read-only, its run's workspace
 * writable (the workspace's {@code .git} read-only), a private home, a private {@code /tmp}, its own {@code /proc}
 * (no other process of the host, the service's JVM included), and nothing else of the host: not the data directory
 * with the admin token and master key, not another project's workspace. Its network namespace is its own, with
 * loopback alone: the host's loopback services, its LAN and the cloud metadata address do not exist in it. Where
 * an {@link AgentEgress} is given, its socket is bound in and a forwarder inside the sandbox ({@code socat}) offers
 * it on the sandbox's own {@code 127.0.0.1:}{@value #PROXY_PORT}, which {@link #environment()} names as the HTTPS
 * proxy: the allowed destinations are the only ones reachable. The environment it gets is the one the provider
 * builds (its key and a few neutral variables); bwrap passes it on and never puts it on a command line.
 * {@link Mode#NONE} runs the process unconfined: an explicit opt-out for hosts without bubblewrap.
 */
public final class AgentSandbox {

    public enum Mode { BWRAP, NONE }

    /** Where the private home appears inside the sandbox. */
    public static final String HOME = "/home/agent";
    /** The loopback port inside the sandbox that leads to the egress proxy. */
    public static final int PROXY_PORT = 3128;

    private static final String EGRESS_SOCKET = "/run/agent-egress.sock";
    private static final Path SOCAT = Path.of("/usr/bin/socat");
    /**
     * Starts the forwarder to the egress socket, waits until it listens (a bounded number of probes), then becomes
     * the agent: the agent is never faster than its way out.
     */
    private static final String WITH_EGRESS = "socat TCP-LISTEN:" + PROXY_PORT + ",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"
            + EGRESS_SOCKET + " 2>/dev/null & i=0; until socat -u OPEN:/dev/null TCP:127.0.0.1:" + PROXY_PORT
            + " 2>/dev/null; do i=$((i+1)); [ $i -gt 500 ] && break; sleep 0.01; done; exec \"$@\"";

    /** System directories a process needs to run; on a merged-/usr system most of them are links into /usr. */
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** The few files of /etc a network client needs (name resolution, TLS roots, user names); never all of /etc. */
    private static final List<String> SYSTEM_FILES = List.of("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
            "/etc/passwd", "/etc/group", "/etc/localtime", "/etc/ssl", "/etc/ca-certificates", "/etc/alternatives",
            "/etc/ld.so.cache");

    private static final Duration UNCONFINED_GRACE = Duration.ofMillis(400);

    private final Mode mode;
    private final Path bwrap;
    private final List<Path> readOnlyPaths;
    private final List<Path> writablePaths;
    @Nullable
    private final AgentEgress egress;

    /** A sandbox without any network beyond its own loopback. */
    public AgentSandbox(Mode mode, Path bwrap, List<Path> readOnlyPaths, List<Path> writablePaths) {
        this(mode, bwrap, readOnlyPaths, writablePaths, null);
    }

    /** @param egress the sandbox's only way out; {@code null} for none */
    public AgentSandbox(Mode mode, Path bwrap, List<Path> readOnlyPaths, List<Path> writablePaths,
                        @Nullable AgentEgress egress) {
        this.mode = mode;
        this.bwrap = bwrap;
        this.readOnlyPaths = List.copyOf(readOnlyPaths);
        this.writablePaths = List.copyOf(writablePaths);
        this.egress = egress;
    }

    public Mode mode() {
        return mode;
    }

    /** Why the sandbox cannot confine a process on this host, if it cannot. */
    public Optional<String> unavailable() {
        if (mode == Mode.BWRAP && !Files.isExecutable(bwrap)) {
            return Optional.of("the agent sandbox is not available: bubblewrap is not installed at " + bwrap
                    + " (apt-get install bubblewrap); agent.runs.sandbox.mode=none runs agents unconfined");
        }
        if (mode == Mode.BWRAP && egress != null && !Files.isExecutable(SOCAT)) {
            return Optional.of("the agent sandbox's way out is not available: socat is not installed at " + SOCAT
                    + " (apt-get install socat)");
        }
        return Optional.empty();
    }

    /** Variables the process needs to find its way out of the sandbox (none without egress or unconfined). */
    public Map<String, String> environment() {
        if (mode == Mode.NONE || egress == null) {
            return Map.of();
        }
        String proxy = "http://127.0.0.1:" + PROXY_PORT;
        return Map.of("HTTPS_PROXY", proxy, "https_proxy", proxy, "HTTP_PROXY", proxy, "http_proxy", proxy);
    }

    /** The home directory as the process sees it. */
    public String homeInside(Path home) {
        return mode == Mode.BWRAP ? HOME : home.toString();
    }

    /**
     * The command line that runs {@code command} (its first element the executable) in {@code workspace} with
     * {@code home} as its home directory.
     */
    public List<String> wrap(List<String> command, Path workspace, Path home) throws IOException {
        if (mode == Mode.NONE) {
            return command;
        }
        if (!Files.isDirectory(workspace.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            // its .git is what the sandbox keeps read-only; without one an agent could plant a repository the next
            // pull or commit would trust
            throw new IOException("the workspace is not a git repository");
        }
        if (egress != null) {
            egress.start();
        }
        Path executable = resolve(command.get(0));
        List<String> wrapped = new ArrayList<>(List.of(bwrap.toString(), "--unshare-all",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"));
        for (String directory : SYSTEM_DIRECTORIES) {
            Path path = Path.of(directory);
            if (Files.isSymbolicLink(path)) {
                wrapped.addAll(List.of("--symlink", readLink(path), directory));
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                wrapped.addAll(List.of("--ro-bind", directory, directory));
            }
        }
        for (String file : SYSTEM_FILES) {
            wrapped.addAll(List.of("--ro-bind-try", file, file));
        }
        wrapped.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--bind", home.toString(), HOME,
                "--bind", workspace.toString(), workspace.toString(),
                // the repository's machinery (hooks, config) stays out of the agent's reach
                "--ro-bind", workspace.resolve(".git").toString(), workspace.resolve(".git").toString()));
        if (egress != null) {
            wrapped.addAll(List.of("--bind", egress.socket().toString(), EGRESS_SOCKET));
        }
        if (!executable.startsWith("/usr")) {
            wrapped.addAll(List.of("--ro-bind", executable.toString(), executable.toString()));
        }
        for (Path path : readOnlyPaths) {
            wrapped.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        for (Path path : writablePaths) {
            wrapped.addAll(List.of("--bind", path.toString(), path.toString()));
        }
        // everything not bound above lives in the sandbox's own root, read-only: a write there fails rather than
        // vanish with the sandbox
        wrapped.addAll(List.of("--remount-ro", "/"));
        if (Stream.concat(Stream.of(workspace), writablePaths.stream()).anyMatch(path -> path.startsWith("/tmp"))) {
            // a workspace under /tmp: bubblewrap made its parent directories on the private /tmp, where an agent
            // could write beside the real paths; that /tmp is read-only too, and scratch space is in the home
            wrapped.addAll(List.of("--remount-ro", "/tmp", "--dir", HOME + "/tmp", "--setenv", "TMPDIR", HOME + "/tmp"));
        }
        wrapped.addAll(List.of("--chdir", workspace.toString(), "--"));
        if (egress != null) {
            wrapped.addAll(List.of("/bin/sh", "-c", WITH_EGRESS, "sh"));
        }
        wrapped.add(executable.toString());
        wrapped.addAll(command.subList(1, command.size()));
        return wrapped;
    }

    /**
     * Ends a process started through {@link #wrap} and everything it started, at once. Under bubblewrap the process
     * is the sandbox: SIGKILL to it makes the kernel kill the sandbox's init ({@code --die-with-parent}) and with it
     * every process of its pid namespace, however many the agent forked and whatever signals it ignores; no process
     * table is walked, and the agent gets no grace period to keep writing in. Unconfined, the tree as it is now is
     * asked to stop (TERM) and killed after a short grace.
     */
    public void end(Process process) {
        if (mode == Mode.BWRAP) {
            process.destroyForcibly();
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        Thread killer = new Thread(() -> {
            long deadline = System.nanoTime() + UNCONFINED_GRACE.toNanos();
            for (ProcessHandle handle : tree) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception stillAlive) {
                    handle.destroyForcibly();
                }
            }
        }, "agent-sandbox-end");
        killer.setDaemon(true);
        killer.start();
    }

    /** The real file an executable name stands for: looked up on the PATH when it has no slash. */
    static Path resolve(String executable) {
        Path path = Path.of(executable);
        if (!executable.contains("/")) {
            String searchPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            for (String directory : searchPath.split(":")) {
                Path candidate = Path.of(directory.isEmpty() ? "." : directory, executable);
                if (Files.isExecutable(candidate)) {
                    path = candidate;
                    break;
                }
            }
        }
        try {
            return path.toAbsolutePath().toRealPath();
        } catch (IOException missing) {
            return path.toAbsolutePath().normalize();
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + link, e);
        }
    }
}
