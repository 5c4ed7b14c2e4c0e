package io.agentworkspace.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses clones and pulls may reach, and that a redirect cannot lead a clone inward. */
class RemoteAddressesTest {

    final RemoteAddresses strict = new RemoteAddresses(new RemoteSettings(List.of("https"), List.of()));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
            "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "100.64.0.1", "0.0.0.0",
            "224.0.0.1", "255.255.255.255", "::", "::127.0.0.1", "::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808", "2002:7f00:1::", "2002:a9fe:a9fe::1", "2001:0:4136:e378::1", "2001:db8::1", "192.0.2.1",
            "198.51.100.7", "203.0.113.9", "100::1"})
    void internalAddressesAreRefused(String address) throws Exception {
        assertThat(strict.allowed(InetAddress.getByName(address))).as(address).isFalse();
        assertThatThrownBy(() -> strict.checkHost(address)).isInstanceOf(RemoteAddresses.AddressNotAllowed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "140.82.112.3", "2606:4700::6810:84e5", "8.8.8.8", "64:ff9b::808:808",
            "2002:808:808::1"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertThat(strict.allowed(InetAddress.getByName(address))).as(address).isTrue();
    }

    @Test
    void anAllowListOpensOnlyItsOwnNetworks() throws Exception {
        RemoteAddresses internalServer = new RemoteAddresses(new RemoteSettings(List.of("https"),
                List.of("10.20.0.0/16", "fd00::7/128")));
        assertThat(internalServer.allowed(InetAddress.getByName("10.20.3.4"))).isTrue();
        assertThat(internalServer.allowed(InetAddress.getByName("10.21.3.4"))).isFalse();
        assertThat(internalServer.allowed(InetAddress.getByName("fd00::7"))).isTrue();
        assertThat(internalServer.allowed(InetAddress.getByName("fd00::8"))).isFalse();
        assertThat(internalServer.allowed(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThatThrownBy(() -> new RemoteAddresses(new RemoteSettings(List.of("https"), List.of("git.internal/8"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNameThatDoesNotResolvePassesRegistrationAndAResolvingInternalNameDoesNot() {
        org.assertj.core.api.Assertions.assertThatCode(() -> strict.checkHost("nowhere.invalid")).doesNotThrowAnyException();
        assertThatThrownBy(() -> strict.checkHost("localhost")).isInstanceOf(RemoteAddresses.AddressNotAllowed.class);
    }

    /**
     * A server the policy allows (here 127.0.0.1, allow-listed) redirects the clone to an internal one
     * (127.0.0.2, not allowed): JGit follows redirects one connection at a time, each checked, so the internal
     * server never gets a request and the clone fails.
     */
    @Test
    void aRedirectToAnInternalAddressIsRefused(@TempDir Path scratch) throws Exception {
        AtomicInteger internalRequests = new AtomicInteger();
        HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        internal.createContext("/", exchange -> {
            internalRequests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        internal.start();
        HttpServer redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.2:" + internal.getAddress().getPort()
                    + exchange.getRequestURI());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        redirecting.start();
        try {
            RemoteAddresses policy = new RemoteAddresses(new RemoteSettings(List.of("https", "http"),
                    List.of("127.0.0.1/32")));
            String url = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/repo.git";
            assertThatThrownBy(() -> policy.guard(() -> Git.cloneRepository().setURI(url).setFs(SafeGit.fs())
                    .setDirectory(scratch.resolve("clone").toFile()).call()))
                    .hasStackTraceContaining("may not reach");
            assertThat(internalRequests.get()).isZero();
        } finally {
            redirecting.stop(0);
            internal.stop(0);
        }
    }

    @Test
    void outsideAGuardJGitConnectionsUseTheStrictPolicy(@TempDir Path scratch) {
        assertThatThrownBy(() -> Git.cloneRepository().setURI("https://127.0.0.1:9/repo.git").setFs(SafeGit.fs())
                .setDirectory(scratch.resolve("clone").toFile()).call())
                .hasStackTraceContaining("may not reach");
    }
}
