package io.agentworkspace.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer the console is measured against: nginx with the nchan module (Debian {@code nginx-light},
 * {@code libnginx-mod-nchan}), in memory, on a loopback port, with a configuration, pid file and logs of its own in
 * a temporary directory. Publishers POST a message to {@code /pub/<channel>}; subscribers read
 * {@code /sub/<channel>} as SSE or WebSocket. Started in the foreground, so stopping it stops exactly the master
 * this object started (and with it its workers).
 */
final class NchanServer implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    private final Path dir;
    final int port;
    private Process master;

    private NchanServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** @param workers nginx worker processes (the machine's cores by default, as {@code auto} would) */
    static NchanServer start(int workers) throws Exception {
        if (!Files.isExecutable(NGINX) || !Files.exists(MODULE)) {
            throw new IllegalStateException("nginx with nchan is not installed: apt-get install nginx-light "
                    + "libnginx-mod-nchan (deploy/dev/bench.sh does)");
        }
        Path dir = Files.createTempDirectory("nchan-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.conf"), """
                load_module %2$s;
                daemon off;
                master_process on;
                worker_processes %3$d;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 20000; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  keepalive_requests 1000000;
                  server {
                    listen 127.0.0.1:%4$d;
                    location ~ ^/pub/(.+)$ {
                      nchan_publisher;
                      nchan_channel_id $1;
                      nchan_message_buffer_length 1000;
                      nchan_message_timeout 120s;
                    }
                    location ~ ^/sub/(.+)$ {
                      nchan_subscriber websocket eventsource;
                      nchan_channel_id $1;
                      nchan_subscriber_first_message newest;
                    }
                  }
                }
                """.formatted(dir, MODULE, workers, port));
        NchanServer server = new NchanServer(dir, port);
        server.master = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException notYet) {
                if (!server.master.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("error.log")));
                }
                Thread.sleep(20);
            }
        }
        server.close();
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The master and its workers: their CPU time is the peer's. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(master.pid());
        master.children().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    @Override
    public void close() throws InterruptedException {
        if (master != null && master.isAlive()) {
            master.destroy(); // SIGTERM: nginx stops its workers and exits
            if (!master.waitFor(10, TimeUnit.SECONDS)) {
                master.children().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly().waitFor();
            }
        }
    }
}
