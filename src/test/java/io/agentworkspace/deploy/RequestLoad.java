package io.agentworkspace.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client at a fixed request rate through the proxy, as the Control Center and phones would be: reads (projects,
 * runs, queues) and, every {@code submitEvery}-th request, a run submission. Requests are due on a fixed schedule
 * (request i at t0 + i/rate, never sleep-after-send). Every answer that is not 2xx and every request that got no
 * answer is a failure, kept with what happened; counts are per phase ({@link #phase}).
 *
 * <p>Like a browser, the client sends a request once more when the connection it reused was closed before a single
 * byte of the answer came: HTTP/1.1 keep-alive has that race whenever a server closes an idle connection (nginx's
 * graceful reload closes its idle client connections at the switch), and the closing side never read the request
 * (RFC 9112, 9.3.1). Such resends are counted ({@link #resent}); the caller checks they applied nothing twice.
 */
public final class RequestLoad implements AutoCloseable {

    public record Failure(String phase, String request, String what, long atMillis) {
    }

    /**
     * @param sent         requests sent
     * @param ok           2xx answers
     * @param seconds      how long the phase lasted
     * @param slowestMillis the longest a request of the phase waited for its answer, from when it was due
     */
    public record Phase(String name, long sent, long ok, List<Failure> failures, double seconds, long slowestMillis) {
        public double rate() {
            return seconds <= 0 ? 0 : sent / seconds;
        }
    }

    private static final List<String> READS = List.of("/api/projects", "/api/runs?limit=5", "/api/queues",
            "/api/projects", "/api/runs?limit=5&state=succeeded");

    private final HttpClient http;
    private final ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("load-client"));
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(daemon("load-pacer"));
    private final String base;
    private final String token;
    private final String submitProject;
    private final int submitEvery;
    private final AtomicReference<String> phase = new AtomicReference<>("start");
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ok = new ConcurrentHashMap<>();
    private final Map<String, Long> phaseStarted = new ConcurrentHashMap<>();
    private final Map<String, Long> phaseEnded = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> slowest = new ConcurrentHashMap<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();

    public RequestLoad(String base, String token, String submitProject, int submitEvery) {
        this.base = base;
        this.token = token;
        this.submitProject = submitProject;
        this.submitEvery = submitEvery;
        this.http = HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        phaseStarted.put("start", System.currentTimeMillis());
    }

    public void start(int perSecond) {
        long periodNanos = 1_000_000_000L / perSecond;
        pacer.scheduleAtFixedRate(this::send, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Starts counting into a new phase (the previous one ends now). */
    public void phase(String name) {
        long now = System.currentTimeMillis();
        phaseEnded.put(phase.get(), now);
        phaseStarted.put(name, now);
        phase.set(name);
    }

    public Phase report(String name) {
        long started = phaseStarted.getOrDefault(name, 0L);
        long ended = phaseEnded.getOrDefault(name, System.currentTimeMillis());
        return new Phase(name, sent.getOrDefault(name, new AtomicLong()).get(), ok.getOrDefault(name, new AtomicLong()).get(),
                failures.stream().filter(failure -> failure.phase().equals(name)).toList(), (ended - started) / 1000.0,
                slowest.getOrDefault(name, new AtomicLong()).get());
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Requests sent once more because the reused connection closed before any byte of their answer came. */
    public long resent() {
        return resent.get();
    }

    /** Run submissions the service accepted (2xx). */
    public long submitted() {
        return submitted.get();
    }

    /** Requests not sent because 5000 were still waiting for an answer (50 s at 100/s: the service is gone). */
    public long skipped() {
        return skipped.get();
    }

    private void send() {
        if (inFlight.get() >= 5000) {
            skipped.incrementAndGet();
            return;
        }
        long n = counter.getAndIncrement();
        String current = phase.get();
        HttpRequest request;
        String what;
        if (submitEvery > 0 && n % submitEvery == submitEvery - 1) {
            what = "POST /api/runs";
            request = HttpRequest.newBuilder(URI.create(base + "/api/runs")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"projectId\":\"" + submitProject
                            + "\",\"queue\":\"docs\",\"provider\":\"script\",\"model\":\"script\",\"prompt\":\"say load " + n + "\"}"))
                    .build();
        } else {
            String path = READS.get((int) (n % READS.size()));
            what = "GET " + path;
            request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).GET().build();
        }
        inFlight.incrementAndGet();
        sent.computeIfAbsent(current, p -> new AtomicLong()).incrementAndGet();
        long due = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .exceptionallyCompose(failure -> {
                    if (!closedBeforeAnswer(failure)) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    resent.incrementAndGet();
                    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
                })
                .whenComplete((response, failure) -> {
                    inFlight.decrementAndGet();
                    slowest.computeIfAbsent(current, p -> new AtomicLong())
                            .accumulateAndGet((System.nanoTime() - due) / 1_000_000, Math::max);
                    if (failure != null) {
                        failures.add(new Failure(current, what, failure.toString(), System.currentTimeMillis()));
                    } else if (response.statusCode() / 100 != 2) {
                        failures.add(new Failure(current, what, "HTTP " + response.statusCode(), System.currentTimeMillis()));
                    } else {
                        ok.computeIfAbsent(current, p -> new AtomicLong()).incrementAndGet();
                        if (request.method().equals("POST")) {
                            submitted.incrementAndGet();
                        }
                    }
                });
    }

    /** The JDK client's words for a connection that closed before the first byte of the answer. */
    private static boolean closedBeforeAnswer(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("received no bytes")) {
                return true;
            }
        }
        return false;
    }

    /** Stops sending and waits (bounded) for the answers still due. */
    @Override
    public void close() throws InterruptedException {
        pacer.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        phaseEnded.putIfAbsent(phase.get(), System.currentTimeMillis());
        callbacks.shutdown();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
