package io.agentworkspace.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.publisher.Flux;

/**
 * Announces appended batches on a Redis pub/sub channel named after the installation (so installations sharing a
 * Redis never hear each other). Pub/sub is at-most-once; the dispatcher's gap filling makes that harmless.
 */
final class RedisFanout implements ConsoleFanout, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisFanout.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // built once, at startup: the mapper resolves (and locks) its deserializers here, never on a Lettuce event loop;
    // fields a newer node adds are skipped, so nodes of two releases hear each other during a deploy
    private static final ObjectReader READER = JSON.readerFor(new TypeReference<List<Wire>>() { })
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** {@code t}: the publication's traceparent, so the deliveries of other nodes join its trace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Wire(long i, String c, String e, String d, boolean j, long p, @Nullable String x, @Nullable String t) {
    }

    private final RedisDatabase redis;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final String topic;

    RedisFanout(RedisDatabase redis, String installationId) {
        this.redis = redis;
        this.topic = "agent-console:" + installationId;
        this.subscriber = redis.connectPubSub();
        decode("[{\"i\":1,\"c\":\"c\",\"e\":\"e\",\"d\":\"{}\",\"j\":true,\"p\":1,\"x\":null,\"t\":null}]");
    }

    @Override
    public void announce(List<ConsoleEvent> appended) {
        String message;
        try {
            message = JSON.writeValueAsString(appended.stream().map(event -> new Wire(event.id(), event.channel(),
                    event.event(), event.data(), event.dataIsJson(), event.publishedMicros(), event.excludedSocketId(),
                    event.traceparent()))
                    .toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        redis.commands().publish(topic, message).subscribe(null,
                failure -> log.debug("console announcement not sent: {}", failure.toString()));
    }

    @Override
    public Flux<List<ConsoleEvent>> announcements() {
        return subscriber.reactive().subscribe(topic)
                .thenMany(subscriber.reactive().observeChannels())
                .filter(message -> topic.equals(message.getChannel()))
                .map(message -> decode(message.getMessage()))
                .onErrorContinue((failure, message) -> log.warn("unreadable console announcement: {}", failure.toString()));
    }

    private static List<ConsoleEvent> decode(String message) {
        try {
            List<Wire> wires = READER.readValue(message);
            List<ConsoleEvent> events = new ArrayList<>(wires.size());
            for (Wire wire : wires) {
                events.add(new ConsoleEvent(wire.i(), wire.c(), wire.e(), wire.d(), wire.j(), wire.p(), wire.x(), wire.t()));
            }
            return events;
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable console announcement", e);
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void destroy() {
        subscriber.close();
    }
}
