package io.agentworkspace.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One rebuild of one projection, on a thread of its own. It runs the projection's own handlers over the whole
 * history into shadow tables while the live processor keeps serving the live tables. Once caught up it stops the
 * live processor, catches up to exactly the live position, hands the rebuild's position to the live processor,
 * puts the shadow tables in place and restarts the live processor on them; then drops the old tables.
 */
final class Rebuild implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Rebuild.class);
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(60);

    interface Steps {
        void building(Rebuild rebuild);

        /** The build has caught up with the live processor: the shadow tables get their secondary indexes. */
        void indexing(Rebuild rebuild);

        /** Stores the position for the live processor and puts the shadow tables in place; the live one is stopped. */
        void switchOver(Rebuild rebuild, TrackingToken position);

        void finished(Rebuild rebuild, @Nullable Throwable failure);
    }

    private final String id;
    private final ProjectionCatalog.Projection projection;
    private final StreamingEventProcessor live;
    private final StreamableMessageSource<TrackedEventMessage<?>> history;
    private final TokenStore tokenStore;
    private final TransactionTemplate transactions;
    private final Steps steps;
    private final Clock clock;
    private final int batchSize;
    private final double maxRate;
    private final Instant startedAt;
    private final Map<String, String> shadows;

    private volatile String state = "building";
    private volatile long processed;
    private volatile long position = -1;
    private volatile long head;
    private volatile Instant finishedAt;
    private volatile String failure;

    Rebuild(String id, ProjectionCatalog.Projection projection, StreamingEventProcessor live,
            StreamableMessageSource<TrackedEventMessage<?>> history,
            TokenStore tokenStore, TransactionTemplate transactions, Steps steps, Clock clock, int batchSize,
            double maxRate) {
        this.id = id;
        this.projection = projection;
        this.live = live;
        this.history = history;
        this.tokenStore = tokenStore;
        this.transactions = transactions;
        this.steps = steps;
        this.clock = clock;
        // paced, a batch is at most a tenth of a second's worth: the build advances smoothly, not in bursts
        this.batchSize = maxRate > 0 ? (int) Math.max(1, Math.min(batchSize, Math.ceil(maxRate / 10))) : batchSize;
        this.maxRate = maxRate;
        this.startedAt = clock.instant();
        this.shadows = projection.tables().stream()
                .collect(Collectors.toMap(Function.identity(), ShadowTables::shadowOf));
    }

    String id() {
        return id;
    }

    ProjectionCatalog.Projection projection() {
        return projection;
    }

    @Override
    public void run() {
        boolean liveStopped = false;
        try {
            steps.building(this);
            EventHandlerInvoker handlers = ((AbstractEventProcessor) live).eventHandlerInvoker();
            head = positionOf(history.createHeadToken());
            try (BlockingStream<TrackedEventMessage<?>> stream = history.openStream(null)) {
                TrackingToken reached = null;
                long buildStart = System.nanoTime();
                while (true) {
                    List<TrackedEventMessage<?>> batch = next(stream, 200);
                    if (batch.isEmpty()) {
                        break;
                    }
                    reached = handle(handlers, batch);
                    if (position >= livePosition()) {
                        break;
                    }
                    pace(buildStart);
                }
                steps.indexing(this);
                state = "switching";
                live.shutdownAsync().get(SWITCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                liveStopped = true;
                List<TrackingToken> livePositions = livePositions();
                long deadline = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
                while (!coversAll(reached, livePositions)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the rebuild could not reach the live projection's position");
                    }
                    List<TrackedEventMessage<?>> batch = next(stream, 500);
                    if (!batch.isEmpty()) {
                        reached = handle(handlers, batch);
                    }
                }
                steps.switchOver(this, reached);
            }
            state = "done";
            finish(null);
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            state = "failed";
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.warn("rebuild {} of projection {} failed: {}", id, projection.name(), failure, e);
            finish(e);
        } finally {
            if (liveStopped || !live.isRunning()) {
                live.start();
            }
        }
    }

    private void finish(@Nullable Throwable cause) {
        finishedAt = clock.instant();
        steps.finished(this, cause);
    }

    /**
     * Holds the build to {@code maxRate} events per second, when set, so a rebuild of a long history does not take
     * the database from the live traffic. The catch-up after the live processor stops is never held back.
     */
    private void pace(long buildStart) throws InterruptedException {
        if (maxRate <= 0) {
            return;
        }
        long due = buildStart + (long) (processed * 1_000_000_000L / maxRate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Up to a batch of the events available now; waits at most {@code waitMs} for the first. */
    private List<TrackedEventMessage<?>> next(BlockingStream<TrackedEventMessage<?>> stream, long waitMs)
            throws InterruptedException {
        List<TrackedEventMessage<?>> batch = new ArrayList<>(batchSize);
        if (!stream.hasNextAvailable((int) waitMs, TimeUnit.MILLISECONDS)) {
            return batch;
        }
        while (batch.size() < batchSize && stream.hasNextAvailable()) {
            batch.add(stream.nextAvailable());
        }
        return batch;
    }

    /** One transaction: the projection's handlers write the shadow tables. */
    private TrackingToken handle(EventHandlerInvoker handlers, List<TrackedEventMessage<?>> batch) {
        transactions.executeWithoutResult(status -> {
            BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(new ArrayList<>(batch));
            unitOfWork.resources().put(ProjectionTables.RESOURCE, shadows);
            ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
                EventMessage<?> message = unitOfWork.getMessage();
                if (handlers.canHandle(message, Segment.ROOT_SEGMENT)) {
                    handlers.handle(message, Segment.ROOT_SEGMENT);
                }
                return null;
            }, RollbackConfigurationType.ANY_THROWABLE);
            if (result.isExceptional()) {
                Throwable cause = result.exceptionResult();
                throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
            }
        });
        TrackingToken token = batch.get(batch.size() - 1).trackingToken();
        processed += batch.size();
        position = positionOf(token);
        if (position > head) {
            head = position;
        }
        return token;
    }

    /** Where the live processor is: the lowest position of its segments on this node. */
    private long livePosition() {
        return live.processingStatus().values().stream()
                .mapToLong(status -> status.getCurrentPosition().orElse(-1)).min().orElse(Long.MAX_VALUE);
    }

    private List<TrackingToken> livePositions() {
        return transactions.execute(status -> {
            List<TrackingToken> tokens = new ArrayList<>();
            for (int segment : tokenStore.fetchSegments(projection.processingGroup())) {
                try {
                    tokens.add(tokenStore.fetchToken(projection.processingGroup(), segment));
                } catch (org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException claimedElsewhere) {
                    throw new IllegalStateException("the live processor of projection " + projection.name()
                            + " runs on another node: start the rebuild there (POST /api/projections/"
                            + projection.name() + "/rebuild)");
                }
                tokenStore.releaseClaim(projection.processingGroup(), segment);
            }
            return tokens;
        });
    }

    /**
     * Whether the rebuild has reached every live segment. A live token may still be wrapped (a ReplayToken: the
     * processor started on an existing history, or was reset, and has not passed an event since): what counts is
     * the position it has handled, not the wrapper, which the rebuild's own token cannot compare with.
     */
    static boolean coversAll(@Nullable TrackingToken reached, List<TrackingToken> live) {
        return live.stream().allMatch(token -> token == null
                || (reached != null && reached.covers(WrappedToken.unwrapLowerBound(token))));
    }

    static long positionOf(@Nullable TrackingToken token) {
        return token == null ? -1 : token.position().orElse(-1);
    }

    void sampleHead(long newest) {
        if (newest > head) {
            head = newest;
        }
    }

    Map<String, String> shadows() {
        return shadows;
    }

    RebuildProgress progress() {
        double seconds = Math.max(0.001, Duration.between(startedAt, finishedAt != null ? finishedAt : clock.instant())
                .toMillis() / 1000.0);
        double rate = processed / seconds;
        Long eta = "done".equals(state) ? Long.valueOf(0)
                : rate > 0 && position >= 0 ? (long) Math.ceil(Math.max(0, head - position) / rate) : null;
        return new RebuildProgress(id, projection.name(), state, processed, position, head, rate, eta, startedAt,
                finishedAt, failure);
    }
}
