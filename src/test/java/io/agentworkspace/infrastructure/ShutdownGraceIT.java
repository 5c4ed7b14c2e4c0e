package io.agentworkspace.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;

/**
 * A deploy stops the old instance right after it switched the proxy, whose old workers may still hand that
 * instance requests: for {@code agent.shutdown.proxy-grace} after the stop request it still accepts connections and
 * answers (with its database), and only then closes.
 */
class ShutdownGraceIT {

    @TempDir
    Path scratch;

    @Test
    void aStoppingInstanceAnswersNewConnectionsDuringTheGraceThenCloses() throws Exception {
        RunningApp app = RunningApp.start(TestServices.createDatabase(), scratch.resolve("data"),
                Map.of("agent.shutdown.proxy-grace", "4s"));
        int port = app.port();
        String token = AdminToken.read(app.bean(DataDirectory.class).root());
        assertThat(projectsStatus(port, token)).isEqualTo(200);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        Thread.sleep(1000);
        assertThat(closing).as("still in its grace").isNotDone();
        assertThat(projectsStatus(port, token)).as("a new connection while stopping").isEqualTo(200);

        closing.get(60, TimeUnit.SECONDS);
        assertThatThrownBy(() -> projectsStatus(port, token)).isInstanceOf(ConnectException.class);
    }

    /** On a connection of its own, as a proxy worker opening one to its upstream would. */
    private static int projectsStatus(int port, String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/projects"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
