package io.agentworkspace.run.provider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.agentworkspace.infrastructure.Cidr;
import io.agentworkspace.infrastructure.InternalAddresses;

/**
 * The only way out of an agent's sandbox. The sandbox has a network namespace of its own with nothing in it but
 * loopback, so the host's loopback services (Redis, MariaDB, the management port), its LAN and the cloud metadata
 * address are out of reach; its one door is this HTTP {@code CONNECT} proxy on a Unix socket that the sandbox
 * binds in (and forwards a loopback port of its own to, for clients that speak {@code HTTPS_PROXY}). The proxy
 * opens a tunnel only to a {@code host:port} named in {@code agent.runs.sandbox.egress}, and for a host name only
 * when every address it resolves to is public: the address it checked is the address it connects to, so a DNS
 * answer cannot change between the check and the connection. Plain requests, other methods and every other
 * destination are answered 403/405 and logged.
 *
 * <p>Blocking I/O on a small pool of daemon threads, two per open tunnel, bounded by {@code maxConnections}: an
 * agent's traffic is a handful of long HTTPS streams, not a load a selector loop would pay for.
 */
public final class AgentEgress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentEgress.class);

    private static final int MAX_HEAD = 8192;
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]{1,16}) (\\S{1,300}) HTTP/1\\.[01]");
    private static final Pattern AUTHORITY = Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})");
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final Path socket;
    private final Set<String> allowed;
    private final Semaphore slots;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "agent-egress-" + threadNumber.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "agent-egress-timer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ServerSocketChannel server;

    /**
     * @param socket         where the Unix socket is made (its directory is created; an old socket is replaced)
     * @param allowed        {@code host:port} destinations a tunnel may reach; an IP literal is taken as given
     * @param maxConnections tunnels open at once, all sandboxes together
     */
    public AgentEgress(Path socket, List<String> allowed, int maxConnections) {
        this.socket = socket;
        this.allowed = allowed.stream().map(destination -> {
            if (!AUTHORITY.matcher(destination.strip()).matches()) {
                throw new IllegalArgumentException("agent.runs.sandbox.egress: '" + destination + "' is not host:port");
            }
            return destination.strip().toLowerCase(Locale.ROOT);
        }).collect(Collectors.toUnmodifiableSet());
        this.slots = new Semaphore(maxConnections);
    }

    public Path socket() {
        return socket;
    }

    /** Binds the socket, once; later calls return at once. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("the agent egress socket " + socket + " could not be opened: " + e.getMessage(), e);
        }
        server = channel;
        threads.execute(this::accept);
    }

    @Override
    public synchronized void close() {
        ServerSocketChannel channel = server;
        server = null;
        if (channel != null) {
            closeQuietly(channel);
            try {
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
        threads.shutdownNow();
        timer.shutdownNow();
    }

    private void accept() {
        ServerSocketChannel channel = server;
        while (channel != null && channel.isOpen()) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException closed) {
                return;
            }
            if (!slots.tryAcquire()) {
                answer(client, 503, "Service Unavailable", "too many connections out of agent sandboxes");
                closeQuietly(client);
                continue;
            }
            try {
                threads.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RuntimeException shuttingDown) {
                slots.release();
                closeQuietly(client);
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        SocketChannel upstream = null;
        try {
            ScheduledFuture<?> deadline = timer.schedule(() -> closeQuietly(client), HEAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
            int end = readHead(client, head);
            deadline.cancel(false);
            if (end < 0) {
                return;  // closed or too long before a request: nothing to answer
            }
            String requestLine = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).lines()
                    .findFirst().orElse("");
            Matcher request = REQUEST_LINE.matcher(requestLine);
            if (!request.matches() || !request.group(1).equals("CONNECT")) {
                answer(client, 405, "Method Not Allowed", "only CONNECT tunnels leave an agent sandbox");
                return;
            }
            Matcher authority = AUTHORITY.matcher(request.group(2));
            if (!authority.matches()) {
                refuse(client, "(a target that is not host:port)", "malformed");
                return;
            }
            String destination = request.group(2).toLowerCase(Locale.ROOT);
            if (!allowed.contains(destination)) {
                refuse(client, destination, "not in agent.runs.sandbox.egress");
                return;
            }
            InetSocketAddress target;
            try {
                target = resolve(authority.group(1), Integer.parseInt(authority.group(2)));
            } catch (UnknownHostException unknown) {
                answer(client, 502, "Bad Gateway", "the destination does not resolve");
                return;
            }
            if (target == null) {
                refuse(client, destination, "it resolves to an internal address");
                return;
            }
            upstream = SocketChannel.open();
            try {
                upstream.socket().connect(target, CONNECT_TIMEOUT_MS);
            } catch (IOException unreachable) {
                answer(client, 502, "Bad Gateway", "the destination could not be reached");
                return;
            }
            write(client, ByteBuffer.wrap("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            head.limit(head.position()).position(end);
            if (head.hasRemaining()) {
                write(upstream, head);
            }
            SocketChannel out = upstream;
            threads.execute(() -> pump(client, out));
            pump(out, client);
        } catch (IOException | RuntimeException e) {
            // the agent or the destination went away; the tunnel ends with it
        } finally {
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }

    /**
     * The address to connect to: an allowed IP literal as it is; a name only when all its addresses are public
     * ({@code null} otherwise), and then its first.
     */
    private static InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        if (host.startsWith("[") || IPV4_LITERAL.matcher(host).matches()) {
            InetAddress literal = Cidr.literal(host);
            if (literal == null) {
                throw new UnknownHostException(host);
            }
            return new InetSocketAddress(literal, port);
        }
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            if (InternalAddresses.contains(address)) {
                return null;
            }
        }
        return new InetSocketAddress(addresses[0], port);
    }

    /** Reads up to the blank line that ends the request head; the index after it, or -1. */
    private static int readHead(SocketChannel client, ByteBuffer head) throws IOException {
        while (head.hasRemaining()) {
            int before = head.position();
            if (client.read(head) < 0) {
                return -1;
            }
            for (int i = Math.max(3, before); i < head.position(); i++) {
                if (head.get(i - 3) == '\r' && head.get(i - 2) == '\n' && head.get(i - 1) == '\r' && head.get(i) == '\n') {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                write(to, buffer);
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (ClosedChannelException closed) {
            // the other direction ended the tunnel
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void refuse(SocketChannel client, String destination, String reason) {
        log.info("an agent's connection to {} was refused: {}", destination, reason);
        answer(client, 403, "Forbidden", "the destination " + destination + " is not allowed from an agent sandbox");
    }

    private static void answer(SocketChannel client, int status, String phrase, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + phrase + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        try {
            write(client, ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            write(client, ByteBuffer.wrap(body));
        } catch (IOException gone) {
            // nobody left to tell
        }
    }

    private static void write(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
