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
import io.agentworkspace.auth.DevicePaired;
import io.agentworkspace.auth.PairingCodeIssued;
import io.agentworkspace.project.ProjectRegistered;
import io.agentworkspace.project.WorkspaceCloned;
import io.agentworkspace.rag.RagIndexCompleted;
import io.agentworkspace.rag.RagIndexRequested;
import io.agentworkspace.run.RunLimits;
import io.agentworkspace.run.RunQueued;
import io.agentworkspace.run.RunStarted;
import io.agentworkspace.run.RunStarting;
import io.agentworkspace.run.RunSucceeded;
import io.agentworkspace.run.RunSummary;
import io.agentworkspace.secret.SecretRotated;
import io.agentworkspace.secret.SecretSet;
import io.agentworkspace.snapshot.SnapshotCreated;
import io.agentworkspace.snapshot.SnapshotRequested;

/**
 * Appends many real events (token issuances and revocations, whole runs, secret versions, two-event lifecycles of the other read models; valid against the catalogue) straight through the
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

    /**
     * {@code count} runs that each went the whole way: queued, starting, started, succeeded (four events a run, one
     * row in the runs model); {@code perTransaction} events per commit. Returns the run ids.
     */
    public List<String> runs(int count, int perTransaction) {
        List<String> ids = new ArrayList<>(count);
        List<DomainEventMessage<?>> batch = new ArrayList<>(perTransaction);
        String projectId = uuid();
        RunSummary summary = new RunSummary("done", 1200, 300, 0.01, 2, 1, List.of("notes.txt"), 1, 900);
        for (int i = 0; i < count; i++) {
            String runId = uuid();
            ids.add(runId);
            Instant at = Instant.now();
            batch.add(run(runId, 0, new RunQueued(runId, projectId, "agents-default", "script", "script", "say run " + i,
                    new RunLimits(600, 100_000, 5), "requeue", null, "bulk", at)));
            batch.add(run(runId, 1, new RunStarting(runId, projectId, "agents-default", 1, "bulk-node", i + 1L,
                    at.plusMillis(40))));
            batch.add(run(runId, 2, new RunStarted(runId, projectId, "agents-default", 1, at.plusMillis(60))));
            batch.add(run(runId, 3, new RunSucceeded(runId, projectId, "agents-default", 1, summary, at.plusMillis(960))));
            if (batch.size() >= perTransaction || i == count - 1) {
                append(batch);
                batch = new ArrayList<>(perTransaction);
            }
        }
        return ids;
    }

    /**
     * {@code names} secrets of {@code versions} versions each: set, then rotated (a row per name, rewritten by every
     * version); {@code perTransaction} events per commit.
     */
    public void secrets(int names, int versions, int perTransaction) {
        List<DomainEventMessage<?>> batch = new ArrayList<>(perTransaction);
        for (int i = 0; i < names; i++) {
            String name = "bulk.secret-" + i + "-" + tokenId();
            for (int version = 1; version <= versions; version++) {
                String ciphertext = HexFormat.of().formatHex(new byte[48]) + version;
                Object event = version == 1
                        ? new SecretSet(name, version, "bulk-key", ciphertext, tokenId(), "…" + version, Instant.now(), "bulk")
                        : new SecretRotated(name, version, "bulk-key", ciphertext, tokenId(), "…" + version, Instant.now(), "bulk");
                batch.add(new GenericDomainEventMessage<>("Secret", name, version - 1, event));
            }
            if (batch.size() >= perTransaction || i == names - 1) {
                append(batch);
                batch = new ArrayList<>(perTransaction);
            }
        }
    }

    /**
     * {@code count} entities of one read model, two events each, the second updating the row the first wrote:
     * {@code projects} (registered, cloned), {@code pairings} (code issued, device paired), {@code snapshots}
     * (requested, created) or {@code rag-index-runs} (requested, completed); {@code perTransaction} events per commit.
     */
    public void entities(String model, int count, int perTransaction) {
        List<DomainEventMessage<?>> batch = new ArrayList<>(perTransaction);
        for (int i = 0; i < count; i++) {
            String id = uuid();
            String other = uuid();
            Instant at = Instant.now();
            List<Object> events = switch (model) {
                case "projects" -> List.of(new ProjectRegistered(id, "bulk-project-" + id, "git-url", "https://example.invalid/" + i + ".git", at, "bulk"),
                        new WorkspaceCloned(id, HexFormat.of().formatHex(new byte[20]), "main", i + 1L, at.plusMillis(500)));
                case "pairings" -> List.of(new PairingCodeIssued(id, tokenId() + tokenId(), "phone " + i, at.plusSeconds(600), at, "bulk"),
                        new DevicePaired(id, "iPhone " + i, tokenId(), at.plusSeconds(30)));
                case "snapshots" -> List.of(new SnapshotRequested(id, other, "snapshot " + i, "bulk", at),
                        new SnapshotCreated(id, other, HexFormat.of().formatHex(new byte[20]), "local", "snapshots/" + id,
                                4096, 16384, 12, HexFormat.of().formatHex(new byte[32]), i + 1L, at.plusSeconds(1)));
                case "rag-index-runs" -> List.of(new RagIndexRequested(id, other, "api", "bulk", at),
                        new RagIndexCompleted(id, other, "local", 12, 3, 0, 40, 200, 0, 240, 900, at.plusSeconds(1)));
                default -> throw new IllegalArgumentException("no bulk events for " + model);
            };
            String type = switch (model) {
                case "projects" -> "Project";
                case "pairings" -> "Pairing";
                case "snapshots" -> "ProjectSnapshots";
                default -> "IndexRun";
            };
            String aggregate = model.equals("snapshots") ? other : id;
            for (int sequence = 0; sequence < events.size(); sequence++) {
                batch.add(new GenericDomainEventMessage<>(type, aggregate, sequence, events.get(sequence)));
            }
            if (batch.size() >= perTransaction || i == count - 1) {
                append(batch);
                batch = new ArrayList<>(perTransaction);
            }
        }
    }

    private static DomainEventMessage<?> run(String runId, long sequence, Object event) {
        return new GenericDomainEventMessage<>("Run", runId, sequence, event);
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
