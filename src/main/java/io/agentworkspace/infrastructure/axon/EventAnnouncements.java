package io.agentworkspace.infrastructure.axon;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.Disposable;

/**
 * Several nodes on one event store: after each commit of events a node says so on a Redis pub/sub channel, and the
 * others read their store at once instead of at its next poll. Only a shortcut: a lost announcement costs the
 * store's poll interval, never an event. Announcements are coalesced (at most one in flight per node).
 */
final class EventAnnouncements implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EventAnnouncements.class);

    private final RedisDatabase redis;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final String topic;
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Disposable listening;

    /** @param storeUrl the event store's JDBC URL: nodes of one installation share it, so they share the topic */
    EventAnnouncements(AgentEventStore store, RedisDatabase redis, String storeUrl) {
        this.redis = redis;
        this.topic = "agent-events:" + digest(storeUrl);
        this.subscriber = redis.connectPubSub();
        store.subscribe(events -> {
            if (CurrentUnitOfWork.isStarted()) {
                CurrentUnitOfWork.get().afterCommit(unitOfWork -> announce());
            } else {
                announce();
            }
        });
        this.listening = subscriber.reactive().subscribe(topic)
                .thenMany(subscriber.reactive().observeChannels())
                .filter(message -> topic.equals(message.getChannel()) && !node.equals(message.getMessage()))
                .subscribe(message -> store.fetchNow(),
                        failure -> log.warn("event announcements stopped: {}", failure.toString()));
    }

    private void announce() {
        if (!inFlight.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        redis.commands().publish(topic, node).doFinally(signal -> {
            inFlight.set(false);
            if (again.getAndSet(false)) {
                announce();
            }
        }).subscribe(null, failure -> log.debug("event announcement not sent: {}", failure.toString()));
    }

    private static String digest(String storeUrl) {
        String location = storeUrl.contains("?") ? storeUrl.substring(0, storeUrl.indexOf('?')) : storeUrl;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(location.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        listening.dispose();
        subscriber.close();
    }
}
