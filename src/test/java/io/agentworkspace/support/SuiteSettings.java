package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.springframework.context.ApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The one place the suite's deviations from the production defaults live: in-JVM contexts read them from
 * {@code src/test/resources/config/application*.yml}; service processes the tests spawn get the same ones from
 * {@link #processArguments}. And how a test reaches the management endpoints (health, Prometheus), which the
 * service serves on a port of its own.
 */
public final class SuiteSettings {

    private SuiteSettings() {
    }

    /** Command-line arguments for a spawned service: the suite's settings, management on {@code managementPort}. */
    public static List<String> processArguments(int managementPort) {
        return List.of("--management.server.port=" + managementPort, "--management.server.address=127.0.0.1",
                "--agent.projects.allowed-local-roots=" + System.getProperty("java.io.tmpdir"),
                "--agent.runs.providers.script.enabled=true");
    }

    public static String managementUrl(int managementPort) {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The management port of a context started in this JVM. */
    public static int managementPort(ApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
    }

    /** A client of the management endpoints of a context started in this JVM. */
    public static WebTestClient management(ApplicationContext context) {
        return WebTestClient.bindToServer().baseUrl(managementUrl(managementPort(context)))
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
