package io.agentworkspace.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian {@code nginx-light}) of a test or benchmark: its configuration, pid file, logs and temporary
 * paths in a directory of its own, run in the foreground so that closing it stops exactly the master it started
 * (and with it its workers). The caller gives the {@code http} block's content (servers, includes) and any
 * main-context lines (modules); {@link #reloadCommand()} reloads the same configuration gracefully.
 */
public final class NginxProcess implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private final Process master;

    private NginxProcess(Path dir, int port, Process master) {
        this.dir = dir;
        this.port = port;
        this.master = master;
    }

    /**
     * Writes {@code dir/nginx.conf} and starts nginx on it; returns once {@code port} (which {@code http} must
     * listen on) accepts connections.
     *
     * @param main lines for the main context before the rest (e.g. {@code load_module ...;}), may be empty
     * @param http the {@code http} block's own directives (servers, includes); temp paths and logs are set here
     */
    public static NginxProcess start(Path dir, int port, int workers, int workerConnections, String main, String http)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException("nginx is not installed: apt-get install nginx-light "
                    + "(deploy/dev/services.sh install does)");
        }
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                %2$s
                daemon off;
                master_process on;
                worker_processes %3$d;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections %4$d; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %5$s
                }
                """.formatted(dir, main, workers, workerConnections, http.indent(4).stripTrailing()));
        Process master = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxProcess nginx = new NginxProcess(dir, port, master);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return nginx;
            } catch (IOException notYet) {
                if (!master.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("logs/stdout.log"))
                            + Files.readString(dir.resolve("logs/error.log")));
                }
                Thread.sleep(20);
            }
        }
        nginx.close();
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s");
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Checks the configuration and reloads it gracefully (a shell command line, as deploy/ scripts take it). */
    public String reloadCommand() {
        String nginx = NGINX + " -p " + dir + " -c " + dir.resolve("nginx.conf");
        return nginx + " -t -q && " + nginx + " -s reload";
    }

    /** The master and its workers: their CPU time is nginx's. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(master.pid());
        master.children().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    @Override
    public void close() throws InterruptedException {
        if (master.isAlive()) {
            master.destroy(); // SIGTERM: nginx stops its workers and exits
            if (!master.waitFor(10, TimeUnit.SECONDS)) {
                master.children().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly().waitFor();
            }
        }
    }
}
