package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Records every (non-streaming) API response the tests receive under target/api-captures, first line
 * {@code METHOD /path}, for the leak scanner to search.
 */
public final class ApiCaptures {

    private static final Path DIR = Path.of("target", "api-captures");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private ApiCaptures() {
    }

    public static ExchangeFilterFunction filter() {
        return (request, next) -> next.exchange(request).flatMap(response -> {
            MediaType type = response.headers().contentType().orElse(null);
            if (type != null && (type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                    || type.isCompatibleWith(MediaType.APPLICATION_NDJSON))) {
                return Mono.just(response);
            }
            return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                    .flatMap(body -> Mono.fromRunnable(() -> write(request.method() + " " + request.url().getPath(), body))
                            .subscribeOn(Schedulers.boundedElastic())
                            .thenReturn(ClientResponse.from(response).body(new String(body, StandardCharsets.UTF_8)).build()));
        });
    }

    private static void write(String requestLine, byte[] body) {
        try {
            Files.createDirectories(DIR);
            Path file = DIR.resolve(ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".txt");
            Files.write(file, (requestLine + "\n").getBytes(StandardCharsets.UTF_8));
            Files.write(file, body, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
