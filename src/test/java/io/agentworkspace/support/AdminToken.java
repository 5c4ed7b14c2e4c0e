package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The admin token a fresh installation writes to {@code <data>/admin-token} on first start. */
public final class AdminToken {

    private AdminToken() {
    }

    public static String read(Path dataDir) {
        try {
            return Files.readString(dataDir.resolve("admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no bootstrap admin token in " + dataDir, e);
        }
    }

    public static WebTestClient authorize(WebTestClient http, String token) {
        return http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .filter(ApiCaptures.filter())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }
}
