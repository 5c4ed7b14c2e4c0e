package io.agentworkspace.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.agentworkspace.auth.ApiTokenIssued;
import io.agentworkspace.auth.ApiTokenRevoked;

/**
 * Appends many real events (token issuances and revocations, valid against the catalogue) straight through the
 * application's event storage engine, in transactions of many events: the fast way to give a test a large history.
 */
public final class BulkEvents {

    private final EventStorageEngine engine;
    private final TransactionTemplate transactions;

    public BulkEvents(EventStorageEngine engine, PlatformTransactionManager transactionManager) {
        this.engine = engine;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Issues {@code count} tokens, {@code perTransaction} events per commit; returns their token ids. */
    public List<String> issueTokens(int count, int perTransaction) {
        List<String> ids = new ArrayList<>(count);
        List<DomainEventMessage<?>> batch = new ArrayList<>(perTransaction);
        for (int i = 0; i < count; i++) {
            String tokenId = tokenId();
            ids.add(tokenId);
            batch.add(issued(tokenId, "bulk-" + i));
            if (batch.size() == perTransaction || i == count - 1) {
                append(batch);
                batch = new ArrayList<>(perTransaction);
            }
        }
        return ids;
    }

    /** Revokes each token (its second event), {@code perTransaction} events per commit. */
    public void revoke(List<String> tokenIds, int perTransaction) {
        List<DomainEventMessage<?>> batch = new ArrayList<>(perTransaction);
        for (int i = 0; i < tokenIds.size(); i++) {
            batch.add(new GenericDomainEventMessage<>("ApiToken", tokenIds.get(i), 1,
                    new ApiTokenRevoked(tokenIds.get(i), "bulk revocation", Instant.now(), "bulk")));
            if (batch.size() == perTransaction || i == tokenIds.size() - 1) {
                append(batch);
                batch = new ArrayList<>(perTransaction);
            }
        }
    }

    public void append(List<DomainEventMessage<?>> events) {
        transactions.executeWithoutResult(status -> engine.appendEvents(events));
    }

    /** Appends and rolls back: leaves a hole in the global index, as a failed command does. */
    public void appendAndRollBack(int count) {
        transactions.executeWithoutResult(status -> {
            List<DomainEventMessage<?>> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                events.add(issued(tokenId(), "rolled-back"));
            }
            engine.appendEvents(events);
            status.setRollbackOnly();
        });
    }

    public static DomainEventMessage<ApiTokenIssued> issued(String tokenId, String name) {
        return new GenericDomainEventMessage<>("ApiToken", tokenId, 0, new ApiTokenIssued(tokenId, name,
                List.of("projects:read"), null, HexFormat.of().formatHex(new byte[32]), null, Instant.now(), "bulk"));
    }

    public static String tokenId() {
        byte[] id = new byte[8];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public static String uuid() {
        return UUID.randomUUID().toString();
    }
}
