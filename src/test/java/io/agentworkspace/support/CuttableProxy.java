package io.agentworkspace.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the service that can cut the WebSocket connections passing through it and
 * refuse new ones for a while, while plain HTTP (polling) keeps flowing: a browser's socket dies as it does when a
 * network path drops, without the browser or the service knowing it is a test.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> webSockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> all = ConcurrentHashMap.newKeySet();
    private volatile boolean refusingWebSockets;
    private volatile java.io.ByteArrayOutputStream recording;

    private CuttableProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    public static CuttableProxy to(int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        CuttableProxy proxy = new CuttableProxy(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Thread acceptor = new Thread(proxy::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Closes every WebSocket connection now; with {@code refuse}, new upgrades are dropped until {@link #allowWebSockets}. */
    public void cutWebSockets(boolean refuse) {
        refusingWebSockets = refuse;
        webSockets.forEach(CuttableProxy::closeQuietly);
        webSockets.clear();
    }

    public void allowWebSockets() {
        refusingWebSockets = false;
    }

    /** From now on, keeps every byte the service sends to the browser (HTTP responses and WebSocket frames). */
    public void record() {
        recording = new java.io.ByteArrayOutputStream();
    }

    /** What the service sent since {@link #record()}, as text (the API answers uncompressed JSON). */
    public String recorded() {
        java.io.ByteArrayOutputStream bytes = recording;
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    public int openWebSockets() {
        return webSockets.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread thread = new Thread(() -> serve(client), "proxy-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket upstream = new Socket()) {
            all.add(client);
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            byte[] first = new byte[16384];
            int read = in.read(first);
            if (read <= 0) {
                return;
            }
            boolean webSocket = new String(first, 0, read, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                    .contains("upgrade: websocket");
            if (webSocket && refusingWebSockets) {
                return;
            }
            if (webSocket) {
                webSockets.add(client);
            }
            upstream.connect(target, 2000);
            upstream.setTcpNoDelay(true);
            upstream.getOutputStream().write(first, 0, read);
            upstream.getOutputStream().flush();
            Thread back = new Thread(() -> pump(upstream, client, true), "proxy-back");
            back.setDaemon(true);
            back.start();
            pump(client, upstream, false);
            back.join(5000);
        } catch (IOException | InterruptedException ended) {
            // a cut connection ends here
        } finally {
            webSockets.remove(client);
            all.remove(client);
        }
    }

    private void pump(Socket from, Socket to, boolean toBrowser) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                java.io.ByteArrayOutputStream bytes = recording;
                if (toBrowser && bytes != null) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        all.forEach(CuttableProxy::closeQuietly);
    }
}
