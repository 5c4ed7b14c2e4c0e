package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.agentworkspace.support.NginxProcess;
import io.agentworkspace.support.SuiteSettings;

/**
 * The peer the console is measured against: nginx with the nchan module (Debian {@code nginx-light},
 * {@code libnginx-mod-nchan}), in memory, on a loopback port ({@link NginxProcess}). Publishers POST a message to
 * {@code /pub/<channel>}; subscribers read {@code /sub/<channel>} as SSE or WebSocket.
 */
final class NchanServer implements AutoCloseable {

    static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    private final NginxProcess nginx;

    private NchanServer(NginxProcess nginx) {
        this.nginx = nginx;
    }

    /** @param workers nginx worker processes (the machine's cores by default, as {@code auto} would) */
    static NchanServer start(int workers) throws Exception {
        if (!Files.exists(MODULE)) {
            throw new IllegalStateException("nginx with nchan is not installed: apt-get install nginx-light "
                    + "libnginx-mod-nchan (deploy/dev/bench.sh does)");
        }
        int port = SuiteSettings.freePort();
        return new NchanServer(NginxProcess.start(Files.createTempDirectory("nchan-bench"), port, workers, 20000,
                "load_module " + MODULE + ";", """
                        keepalive_requests 1000000;
                        server {
                          listen 127.0.0.1:%d;
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
                        """.formatted(port)));
    }

    String baseUrl() {
        return nginx.baseUrl();
    }

    /** The master and its workers: their CPU time is the peer's. */
    List<Long> pids() {
        return nginx.pids();
    }

    @Override
    public void close() throws InterruptedException {
        nginx.close();
    }
}
