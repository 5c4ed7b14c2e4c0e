package io.agentworkspace.run.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's way out over its Unix socket: a tunnel to an allowed destination carries bytes both ways; any other
 * destination, a name that resolves inward, a plain request and a malformed one are refused before any connection.
 */
class AgentEgressTest {

    @TempDir
    Path scratch;
    ServerSocket echo;
    AgentEgress egress;
    int port;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = echo.getLocalPort();
        Thread server = new Thread(() -> {
            while (!echo.isClosed()) {
                try (Socket connection = echo.accept()) {
                    connection.getInputStream().transferTo(connection.getOutputStream());
                } catch (IOException closed) {
                    // next
                }
            }
        });
        server.setDaemon(true);
        server.start();
        egress = new AgentEgress(scratch.resolve("runs/egress.sock"), List.of("127.0.0.1:" + port, "LOCALHOST:" + port), 4);
        egress.start();
    }

    @AfterEach
    void stop() throws IOException {
        egress.close();
        echo.close();
    }

    @Test
    void aTunnelToAnAllowedDestinationCarriesBytesBothWays() throws Exception {
        assertThat(Files.getPosixFilePermissions(egress.socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (SocketChannel channel = connect()) {
            OutputStream out = Channels.newOutputStream(channel);
            InputStream in = Channels.newInputStream(channel);
            out.write(("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\nearly bytes;").getBytes(StandardCharsets.US_ASCII));
            assertThat(head(in)).startsWith("HTTP/1.1 200 ");
            out.write("then more".getBytes(StandardCharsets.US_ASCII));
            channel.shutdownOutput();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("early bytes;then more");
        }
    }

    @Test
    void everyOtherDestinationOrRequestIsRefused() throws Exception {
        assertThat(ask("CONNECT 127.0.0.1:" + (port == 65535 ? 1 : port + 1) + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 ");
        assertThat(ask("CONNECT 169.254.169.254:80 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 ");
        assertThat(ask("CONNECT localhost:" + port + " HTTP/1.1\r\n\r\n")).as("allowed, but the name resolves to loopback")
                .startsWith("HTTP/1.1 403 ");
        assertThat(ask("GET http://127.0.0.1:" + port + "/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405 ");
        assertThat(ask("CONNECT user@127.0.0.1:" + port + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 ");
        assertThat(ask("nonsense\r\n\r\n")).startsWith("HTTP/1.1 405 ");
    }

    @Test
    void anEndlessHeadIsCutWithoutAnAnswer() throws Exception {
        try (SocketChannel channel = connect()) {
            OutputStream out = Channels.newOutputStream(channel);
            try {
                out.write(("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nX: " + "a".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException cut) {
                // the proxy may close while the head is still being written
            }
            byte[] answer;
            try {
                answer = Channels.newInputStream(channel).readAllBytes();
            } catch (IOException reset) {
                answer = new byte[0];  // closed with unread bytes: the peer sees a reset
            }
            assertThat(answer).isEmpty();
        }
    }

    @Test
    void aDestinationListEntryMustBeHostAndPort() {
        assertThatThrownBy(() -> new AgentEgress(scratch.resolve("x.sock"), List.of("api.anthropic.com"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent.runs.sandbox.egress");
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(egress.socket()));
        return channel;
    }

    private String ask(String request) throws IOException {
        try (SocketChannel channel = connect()) {
            Channels.newOutputStream(channel).write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            head.append((char) next);
        }
        return head.toString();
    }
}
