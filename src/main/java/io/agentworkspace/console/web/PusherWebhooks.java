package io.agentworkspace.console.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ChannelDirectory;
import io.agentworkspace.console.ConsoleSettings;
import io.agentworkspace.console.PusherCredentials;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * Pusher webhooks, when {@code agent.console.webhooks.url} is set: {@code channel_occupied},
 * {@code channel_vacated}, {@code member_added}, {@code member_removed}, each sent once for the installation (by the
 * node that decided the transition, see {@link ChannelDirectory}), as Pusher sends them: a POST of
 * {@code {"time_ms": ..., "events": [...]}} with {@code X-Pusher-Key} and {@code X-Pusher-Signature} (hex
 * HMAC-SHA256 of the body with the app secret), so the Pusher server SDKs' webhook check accepts them. Events that
 * come together are sent together, one request at a time, in order; a request that fails (no connection, a timeout,
 * an answer other than 2xx) is retried with a doubling delay (at most 32 times the first) up to {@code max-attempts},
 * then dropped and counted.
 * Reactor Netty's client, on its own connection pool: never a thread per request.
 */
@Component
class PusherWebhooks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PusherWebhooks.class);
    static final int MAX_EVENTS_PER_REQUEST = 100;

    private final ChannelDirectory directory;
    private final PusherCredentials credentials;
    private final ConsoleSettings.Webhooks settings;
    private final Counter sent;
    private final Counter retried;
    private final Counter failed;
    private final Counter dropped;
    private final HttpClient client;
    private volatile Disposable sending;

    PusherWebhooks(ChannelDirectory directory, PusherCredentials credentials, ConsoleSettings settings,
                   MeterRegistry meters) {
        this.directory = directory;
        this.credentials = credentials;
        this.settings = settings.webhooks();
        if (!this.settings.url().isEmpty()) {
            URI url = URI.create(this.settings.url());
            if (!url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    || url.getHost() == null) {
                throw new IllegalStateException("agent.console.webhooks.url must be an absolute http or https URL");
            }
        }
        this.sent = counter(meters, "sent");
        this.retried = counter(meters, "retried");
        this.failed = counter(meters, "failed");
        this.dropped = counter(meters, "dropped");
        this.client = HttpClient.create(ConnectionProvider.builder("console-webhooks").maxConnections(4).build())
                .responseTimeout(this.settings.timeout());
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("agent.console.webhooks").tag("outcome", outcome)
                .description("Pusher webhook requests by outcome (retried counts attempts after the first)")
                .register(meters);
    }

    /** The request body Pusher sends: the events and the time they are sent. */
    static String body(List<ChannelDirectory.Change> changes, long timeMillis) {
        StringBuilder body = new StringBuilder(64 + 80 * changes.size()).append("{\"time_ms\":").append(timeMillis)
                .append(",\"events\":[");
        for (int i = 0; i < changes.size(); i++) {
            ChannelDirectory.Change change = changes.get(i);
            body.append(i == 0 ? "" : ",").append("{\"name\":\"").append(change.transition().wireName())
                    .append("\",\"channel\":").append(PusherJson.quote(change.channel()));
            if (change.userId() != null) {
                body.append(",\"user_id\":").append(PusherJson.quote(change.userId()));
            }
            body.append('}');
        }
        return body.append("]}").toString();
    }

    private Mono<Void> send(List<ChannelDirectory.Change> changes) {
        String body = body(changes, System.currentTimeMillis());
        String signature = PusherSignatures.hmac(credentials.secret(), body);
        return Mono.defer(() -> client.headers(headers -> headers
                                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .set("X-Pusher-Key", credentials.key())
                                .set("X-Pusher-Signature", signature))
                        .post().uri(settings.url())
                        .send(ByteBufFlux.fromString(Mono.just(body), StandardCharsets.UTF_8,
                                io.netty.buffer.ByteBufAllocator.DEFAULT))
                        .responseSingle((response, content) -> content.then(Mono.just(response.status().code()))))
                .flatMap(status -> status >= 200 && status < 300 ? Mono.just(status)
                        : Mono.error(new IllegalStateException("the webhook endpoint answered " + status)))
                .retryWhen(Retry.backoff(Math.max(0, settings.maxAttempts() - 1), settings.backoff())
                        .maxBackoff(settings.backoff().multipliedBy(32))
                        .doBeforeRetry(signal -> retried.increment()))
                .doOnNext(status -> sent.increment())
                .onErrorResume(failure -> {
                    failed.increment();
                    log.warn("webhook of {} events not delivered after {} attempts: {}", changes.size(),
                            settings.maxAttempts(), rootMessage(failure));
                    return Mono.empty();
                })
                .then();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    @Override
    public void start() {
        if (settings.url().isEmpty()) {
            return;
        }
        sending = directory.changes()
                .onBackpressureBuffer(settings.queue(), change -> dropped.increment(), BufferOverflowStrategy.DROP_LATEST)
                .bufferTimeout(MAX_EVENTS_PER_REQUEST, Duration.ofMillis(50), true)
                .concatMap(this::send, 1)
                .subscribe(null, failure -> log.error("webhooks stopped: {}", failure.toString()));
    }

    @Override
    public void stop() {
        Disposable current = sending;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return sending != null && !sending.isDisposed();
    }
}
