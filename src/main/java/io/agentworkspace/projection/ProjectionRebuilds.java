package io.agentworkspace.projection;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.HistoryReader;
import io.agentworkspace.infrastructure.axon.ProjectionSettings;
import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * Starts and reports projection rebuilds: one at a time per projection, on this node, which must be the node
 * running the projection's live processor. Progress is in {@code projection_rebuilds}, the API, and the gauges
 * {@code agent.projection.rebuild.*}. At start-up it completes a switch a crash interrupted (the position was
 * handed over but the tables not yet renamed) and drops the shadows of rebuilds that died while building.
 */
@Component
public class ProjectionRebuilds {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuilds.class);

    private final ProjectionCatalog catalog;
    private final EventProcessingConfiguration processing;
    private final HistoryReader history;
    private final TokenStore tokenStore;
    private final TransactionTemplate transactions;
    private final JdbcTemplate jdbc;
    private final ShadowTables shadowTables;
    private final ProjectionVersions versions;
    private final MeterRegistry meters;
    private final Clock clock;
    private final int batchSize;
    private final double maxRate;
    private final Map<String, Rebuild> running = new ConcurrentHashMap<>();
    private final Map<String, Rebuild> latest = new ConcurrentHashMap<>();
    private final Map<String, Long> processedByEnded = new java.util.HashMap<>();

    ProjectionRebuilds(ProjectionCatalog catalog, EventProcessingConfiguration processing, HistoryReader history,
                       TokenStore tokenStore, PlatformTransactionManager transactionManager, JdbcTemplate jdbc,
                       ShadowTables shadowTables, ProjectionVersions versions, MeterRegistry meters, Clock clock,
                       ProjectionSettings settings) {
        this.catalog = catalog;
        this.processing = processing;
        this.history = history;
        this.tokenStore = tokenStore;
        this.transactions = new TransactionTemplate(transactionManager);
        this.jdbc = jdbc;
        this.shadowTables = shadowTables;
        this.versions = versions;
        this.meters = meters;
        this.clock = clock;
        this.batchSize = settings.rebuildBatchSize();
        this.maxRate = settings.rebuildMaxRate();
        // present from the start, so dashboards and alerts find the series before the first rebuild
        catalog.all().stream().filter(ProjectionCatalog.Projection::rebuildable)
                .forEach(projection -> registerGauges(projection.name()));
        recover();
    }

    /** Starts a rebuild; refused when the name is unknown, the projection not rebuildable or a rebuild of it runs. */
    public synchronized RebuildProgress start(String name) {
        ProjectionCatalog.Projection projection = catalog.named(name).orElseThrow(() -> unknown(name));
        if (!projection.rebuildable()) {
            throw RejectedCommand.conflict("projection-not-rebuildable", "Projection " + name + " cannot be rebuilt "
                    + "without downtime: its manifest does not declare it rebuildable.");
        }
        if (running.containsKey(name) || runningInDatabase(name)) {
            throw RejectedCommand.conflict("rebuild-in-progress", "A rebuild of projection " + name + " is already running.");
        }
        StreamingEventProcessor live = processing.eventProcessor(projection.processingGroup(), StreamingEventProcessor.class)
                .orElseThrow(() -> new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE, "projection-not-running", null,
                        "The processor of projection " + name + " does not run on this node."));
        Rebuild rebuild = new Rebuild(UUID.randomUUID().toString(), projection, live, history.source(), tokenStore,
                transactions, new Steps(), clock, batchSize, maxRate);
        running.put(name, rebuild);
        latest.put(name, rebuild);
        registerGauges(name);
        jdbc.update("INSERT INTO projection_rebuilds (id, projection, state, processed, position, head, started_at) "
                + "VALUES (?, ?, 'building', 0, -1, 0, ?)", rebuild.id(), name, utc(clock.instant()));
        Thread thread = new Thread(rebuild, "projection-rebuild-" + name);
        thread.setDaemon(true);
        thread.start();
        return rebuild.progress();
    }

    /** The running or latest rebuild of a projection, if any since this node started (else the stored last one). */
    public Optional<RebuildProgress> progress(String name) {
        catalog.named(name).orElseThrow(() -> unknown(name));
        Rebuild rebuild = latest.get(name);
        if (rebuild != null) {
            return Optional.of(rebuild.progress());
        }
        return jdbc.query("SELECT id, projection, state, processed, position, head, started_at, finished_at, failure "
                        + "FROM projection_rebuilds WHERE projection = ? ORDER BY started_at DESC LIMIT 1",
                (row, i) -> new RebuildProgress(row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
                        row.getLong(5), row.getLong(6), 0, null, instant(row.getTimestamp(7)),
                        row.getTimestamp(8) == null ? null : instant(row.getTimestamp(8)), row.getString(9)), name)
                .stream().findFirst();
    }

    public ProjectionCatalog catalog() {
        return catalog;
    }

    static RejectedCommand unknown(String name) {
        return RejectedCommand.notFound("projection-not-found", "No projection named '" + name + "'.");
    }

    private boolean runningInDatabase(String name) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM projection_rebuilds WHERE projection = ? "
                + "AND state IN ('building', 'switching')", Integer.class, name);
        return count != null && count > 0;
    }

    private final class Steps implements Rebuild.Steps {
        @Override
        public void building(Rebuild rebuild) {
            shadowTables.create(rebuild.projection().tables());
        }

        @Override
        public void indexing(Rebuild rebuild) {
            shadowTables.index(rebuild.projection().tables());
        }

        @Override
        public void switchOver(Rebuild rebuild, TrackingToken position) {
            String group = rebuild.projection().processingGroup();
            List<String> tables = rebuild.projection().tables();
            if (shadowTables.atomicRename()) {
                // the position first, marked as switching; a crash before the rename is completed at the next start
                transactions.executeWithoutResult(status -> {
                    handOver(group, position);
                    versions.record(rebuild.projection());
                    record(rebuild, "switching");
                });
                shadowTables.renameIntoPlace(tables);
                shadowTables.drop(tables.stream().map(table -> table + ShadowTables.OLD).toList());
            } else {
                transactions.executeWithoutResult(status -> {
                    handOver(group, position);
                    versions.record(rebuild.projection());
                    shadowTables.copyIntoPlace(tables);
                });
                shadowTables.drop(tables.stream().map(ShadowTables::shadowOf).toList());
            }
        }

        @Override
        public void finished(Rebuild rebuild, @Nullable Throwable failure) {
            if (failure != null) {
                try {
                    shadowTables.drop(rebuild.projection().tables().stream().map(ShadowTables::shadowOf).toList());
                } catch (RuntimeException e) {
                    log.warn("could not drop the shadow tables of rebuild {}: {}", rebuild.id(), e.toString());
                }
            }
            record(rebuild, failure == null ? "done" : "failed");
            ended(rebuild);
            log.info("rebuild {} of projection {} {}", rebuild.id(), rebuild.projection().name(),
                    failure == null ? "switched in" : "failed");
        }
    }

    private void ended(Rebuild rebuild) {
        synchronized (processedByEnded) {
            running.remove(rebuild.projection().name());
            processedByEnded.merge(rebuild.projection().name(), rebuild.progress().processed(), Long::sum);
        }
    }

    /** Events every rebuild of this projection on this node has handled: a counter, never going back. */
    private double processedTotal(String name) {
        synchronized (processedByEnded) {
            Rebuild current = running.get(name);
            return processedByEnded.getOrDefault(name, 0L) + (current == null ? 0 : current.progress().processed());
        }
    }

    private void handOver(String group, TrackingToken position) {
        for (int segment : tokenStore.fetchSegments(group)) {
            tokenStore.storeToken(position, group, segment);
            tokenStore.releaseClaim(group, segment);
        }
    }

    private void record(Rebuild rebuild, String state) {
        RebuildProgress progress = rebuild.progress();
        jdbc.update("UPDATE projection_rebuilds SET state = ?, processed = ?, position = ?, head = ?, finished_at = ?, "
                        + "failure = ? WHERE id = ?", state, progress.processed(), progress.position(), progress.head(),
                "done".equals(state) || "failed".equals(state) ? utc(clock.instant()) : null,
                progress.failure() == null ? null : truncate(progress.failure()), rebuild.id());
    }

    /** Completes an interrupted switch and clears up after rebuilds that died while building. */
    private void recover() {
        jdbc.query("SELECT id, projection, state FROM projection_rebuilds WHERE state IN ('building', 'switching')", row -> {
            String id = row.getString(1);
            Optional<ProjectionCatalog.Projection> projection = catalog.named(row.getString(2));
            String state = row.getString(3);
            if (projection.isEmpty()) {
                jdbc.update("UPDATE projection_rebuilds SET state = 'abandoned' WHERE id = ?", id);
                return;
            }
            List<String> tables = projection.get().tables();
            if ("switching".equals(state) && tables.stream().allMatch(table -> shadowTables.exists(ShadowTables.shadowOf(table)))) {
                shadowTables.renameIntoPlace(tables);
                log.warn("completed the switch of rebuild {} of projection {} that a stop interrupted", id, row.getString(2));
            }
            if ("switching".equals(state)) {
                shadowTables.drop(tables.stream().map(table -> table + ShadowTables.OLD).toList());
                jdbc.update("UPDATE projection_rebuilds SET state = 'done', finished_at = ? WHERE id = ?",
                        utc(clock.instant()), id);
            } else {
                shadowTables.drop(tables.stream().map(ShadowTables::shadowOf).toList());
                jdbc.update("UPDATE projection_rebuilds SET state = 'abandoned', finished_at = ? WHERE id = ?",
                        utc(clock.instant()), id);
            }
        });
    }

    private void registerGauges(String name) {
        if (meters.find("agent.projection.rebuild.processed").tag("projection", name).functionCounter() != null) {
            return;
        }
        // a counter over every rebuild of this node: its rate() is the rebuild's speed, (head - position) / rate its ETA
        FunctionCounter.builder("agent.projection.rebuild.processed", this, rebuilds -> rebuilds.processedTotal(name))
                .tag("projection", name).description("Events rebuilds of this projection have handled on this node")
                .register(meters);
        gauge(name, "position", "Global index the latest rebuild has reached", RebuildProgress::position);
        gauge(name, "head", "Global index of the newest event the latest rebuild knows of", RebuildProgress::head);
        gauge(name, "running", "1 while a rebuild runs", progress -> progress.running() ? 1 : 0);
    }

    private void gauge(String name, String figure, String description,
                       java.util.function.ToDoubleFunction<RebuildProgress> value) {
        Gauge.builder("agent.projection.rebuild." + figure, latest,
                        rebuilds -> rebuilds.containsKey(name) ? value.applyAsDouble(rebuilds.get(name).progress()) : Double.NaN)
                .tag("projection", name).description(description).register(meters);
    }

    private static Timestamp utc(Instant instant) {
        return UtcColumns.timestamp(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return UtcColumns.instant(timestamp);
    }

    private static String truncate(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
