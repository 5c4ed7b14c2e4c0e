package io.agentworkspace.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP/1.1 server that speaks a provider's streaming wire format from recorded event sequences: each reply
 * is queued by the test (an SSE stream sent event by event with a pause between them, an error status with its
 * headers, or a stream cut off without its end), and every request is kept (headers and body) for assertions.
 * Raw sockets, so a broken-off stream is really broken off, and a client that goes away is seen at once.
 */
final class WireServer implements AutoCloseable {

    /** What the server answers to the next request. */
    record Reply(int status, Map<String, String> headers, List<String> events, long pauseMs, boolean cutOff,
                 String body) {

        static Reply sse(List<String> events, long pauseMs) {
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), events, pauseMs, false, "");
        }

        static Reply cutOffAfter(List<String> events, long pauseMs) {
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), events, pauseMs, true, "");
        }

        static Reply status(int status, Map<String, String> headers, String body) {
            return new Reply(status, headers, List.of(), 0, false, body);
        }
    }

    /** A request as received, and when its connection was seen closed by the client (0 while open). */
    static final class Request {
        final String method;
        final String path;
        final Map<String, String> headers;
        final String body;
        final long receivedAtNanos = System.nanoTime();
        volatile long clientClosedAtNanos;

        Request(String method, String path, Map<String, String> headers, String body) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    WireServer() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "wire-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void enqueue(Reply reply) {
        replies.add(reply);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void clear() {
        replies.clear();
        requests.clear();
    }

    /** The recorded events of a file under src/test/resources/providers: blocks separated by blank lines. */
    static List<String> recorded(String name) {
        try {
            String text = Files.readString(Path.of("src/test/resources/providers", name), StandardCharsets.UTF_8);
            List<String> events = new ArrayList<>();
            for (String block : text.split("\n\n")) {
                if (!block.isBlank()) {
                    events.add(block.strip() + "\n\n");
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread handler = new Thread(() -> serve(socket), "wire-server-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Reply reply = replies.poll(10, TimeUnit.SECONDS);
                if (reply == null) {
                    reply = Reply.status(500, Map.of(), "{\"error\":{\"message\":\"no reply queued\"}}");
                }
                if (!write(socket, in, out, request, reply)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException gone) {
            // the client went away
        }
    }

    /** Writes a reply; false when the connection must end (stream replies, cut-offs, closed clients). */
    private boolean write(Socket socket, InputStream in, OutputStream out, Request request, Reply reply)
            throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder("HTTP/1.1 " + reply.status() + " X\r\n");
        reply.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (reply.events().isEmpty() && !reply.cutOff()) {
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return true;
        }
        head.append("Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() != -1) {
                    // a client sends nothing more on a streaming request; -1 is its close
                }
            } catch (IOException closed) {
                // reset by the client
            }
            request.clientClosedAtNanos = System.nanoTime();
        }, "wire-server-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            for (String event : reply.events()) {
                if (reply.pauseMs() > 0) {
                    Thread.sleep(reply.pauseMs());
                }
                if (request.clientClosedAtNanos != 0) {
                    return false;
                }
                byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (reply.cutOff()) {
                socket.setSoLinger(true, 0);
                return false;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // after a stream the client may reuse the connection, but the watcher owns its input now
            Thread.sleep(50);
            return false;
        } catch (IOException closed) {
            if (request.clientClosedAtNanos == 0) {
                request.clientClosedAtNanos = System.nanoTime();
            }
            return false;
        }
    }

    private static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            if (b == '\n' && previous == '\r') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
            } else if (b != '\r') {
                line.write(b);
            }
            previous = b;
        }
        String[] start = lines.get(0).split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(start[0], start[1], headers, new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
