package io.agentworkspace.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import io.agentworkspace.console.PusherApiRequests;
import io.agentworkspace.console.ServerProcess;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.Browser;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.TestServices;

/**
 * The Control Center in headless Chromium against the service as a process of its own (MariaDB, one node), over
 * loopback:
 * <ol>
 * <li>bytes shipped for the first page: what the browser transferred (compressed, headers included, from the
 * Resource Timing API) to show the overview after sign-in, and the page's own assets alone;</li>
 * <li>time to the first rendered run list: from navigation start to the first row of {@code /runs} in the DOM
 * (in-page clock), with {@code runs} runs in the history; the first load (cold cache) and the median of 10 more;</li>
 * <li>the run page under a fast stream: {@code rate} console lines/s for {@code seconds} published through the
 * Pusher HTTP API onto a run's channel while its page is open; lines shown per second, lag from publish to the
 * line's DOM node (max, p99, p50; in-page MutationObserver, same host clock), the browser's JS heap after.</li>
 * </ol>
 * Run: {@code deploy/dev/bench.sh ControlCenterBenchmark [rate=1000] [seconds=60] [runs=100]}. Bounded: it stops
 * itself after its planned time plus five minutes.
 */
public final class ControlCenterBenchmark {

    static final String SECRET = "control-center-benchmark-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = BenchOptions.parse(args, Map.of("rate", 1000, "seconds", 60, "runs", 100));
        int planned = options.get("seconds") + 600;
        BenchOptions.stopAfter("ControlCenterBenchmark", planned);

        String database = TestServices.createDatabase();
        Path dataDir = Files.createTempDirectory("control-center-bench");
        List<String> launch = new ArrayList<>(List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2", "-cp", System.getProperty("java.class.path"),
                "io.agentworkspace.AgentWorkspaceApplication"));
        HostCpu host = new HostCpu(null);
        HostCpu.Sample start = host.sample();
        try (ServerProcess server = ServerProcess.mysqlNode(launch, database, dataDir, Map.of(
                "agent.console.pusher.secret", SECRET, "agent.rag.index-on-clone", "false",
                "agent.runs.poll-interval", "200ms", "logging.level.io.agentworkspace", "WARN"))) {
            server.start(Duration.ofSeconds(180));
            String token = AdminToken.read(dataDir);
            try (Browser browser = Browser.start(server.baseUrl())) {
                new ControlCenterBenchmark(server, token, browser, options).run();
            }
        }
        HostCpu.Sample end = host.sample();
        System.out.printf("host CPU busy over the whole benchmark: %.0f%% of 2 cores; load average now: %s%n",
                HostCpu.busyPercent(start, end),
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.exit(0);
    }

    private final ServerProcess server;
    private final String token;
    private final Browser browser;
    private final Map<String, Integer> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ControlCenterBenchmark(ServerProcess server, String token, Browser browser, Map<String, Integer> options) {
        this.server = server;
        this.token = token;
        this.browser = browser;
        this.options = options;
    }

    private void run() throws Exception {
        String projectId = project();
        int runs = options.get("runs");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(startRun(projectId, "say run " + i));
        }
        awaitEnded(ids.get(ids.size() - 1));

        browser.open("/");
        browser.await(By.cssSelector("input[name=token]")).sendKeys(token);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(By.cssSelector("#queues"));
        browser.await(By.cssSelector(".chart"));
        firstPageBytes();
        timeToRunList();
        liveConsole(projectId);
    }

    @SuppressWarnings("unchecked")
    private void firstPageBytes() {
        // the overview loaded again after sign-in (its assets may come from the browser's cache)
        browser.open("/?again=" + System.nanoTime());
        browser.await(By.cssSelector(".chart"), Duration.ofSeconds(30));
        List<Map<String, Object>> entries = (List<Map<String, Object>>) browser.script(
                "const nav = performance.getEntriesByType('navigation')[0];"
                        + "return [{name: nav.name, transfer: nav.transferSize, body: nav.encodedBodySize, decoded: nav.decodedBodySize}]"
                        + ".concat(performance.getEntriesByType('resource').map(r => ({name: r.name, transfer: r.transferSize,"
                        + " body: r.encodedBodySize, decoded: r.decodedBodySize})))");
        long assets = 0;
        long assetsDecoded = 0;
        long api = 0;
        long transferred = 0;
        for (Map<String, Object> entry : entries) {
            long body = ((Number) entry.get("body")).longValue();
            long decoded = ((Number) entry.get("decoded")).longValue();
            transferred += ((Number) entry.get("transfer")).longValue();
            String name = (String) entry.get("name");
            if (name.contains("/api/")) {
                api += body;
            } else {
                assets += body;
                assetsDecoded += decoded;
            }
        }
        System.out.printf("first page (overview, signed in, %d requests; cache as the browser had it): page and assets %d bytes "
                        + "compressed (%d uncompressed), API answers %d bytes; transferred with headers %d bytes%n",
                entries.size(), assets, assetsDecoded, api, transferred);
        coldAssets();
    }

    /** The first page's own files as a browser without a cache gets them (brotli), fetched by hand. */
    private void coldAssets() throws RuntimeException {
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long total = page.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            Matcher assets = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(page.body());
            StringBuilder names = new StringBuilder();
            while (assets.find()) {
                HttpResponse<byte[]> asset = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + assets.group(1)))
                        .header("Accept-Encoding", "br, gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
                total += asset.body().length;
                names.append(' ').append(assets.group(1)).append('=').append(asset.body().length)
                        .append(asset.headers().firstValue("Content-Encoding").map(e -> "(" + e + ")").orElse(""));
            }
            System.out.printf("first page's own files, no cache, brotli: %d bytes:%s (the overview's chart chunk loads after)%n",
                    total, names);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void timeToRunList() {
        List<Double> warm = new ArrayList<>();
        double cold = -1;
        for (int i = 0; i <= 10; i++) {
            browser.open("/runs?x=" + i);
            Double at = browser.until(driver -> {
                Object value = browser.script("return document.querySelector('#runs tbody tr') ? performance.now() : null");
                return value == null ? null : ((Number) value).doubleValue();
            }, Duration.ofSeconds(30));
            if (i == 0) {
                cold = at;
            } else {
                warm.add(at);
            }
        }
        warm.sort(null);
        System.out.printf("time to the first rendered run list (%d runs, 25 a page): first load %.0f ms, then median %.0f ms "
                + "(min %.0f, max %.0f) over %d loads%n", options.get("runs"), cold, warm.get(warm.size() / 2), warm.get(0),
                warm.get(warm.size() - 1), warm.size());
    }

    @SuppressWarnings("unchecked")
    private void liveConsole(String projectId) throws Exception {
        int rate = options.get("rate");
        int seconds = options.get("seconds");
        String runId = startRun(projectId, "say the benchmark's run\nsleep " + (seconds + 120) * 1000);
        String channel = "private-run." + runId;
        ChromeDriver chrome = (ChromeDriver) browser.driver();
        // each benchmark line's arrival on the page's WebSocket (before pusher-js and the page handle it), so the lag
        // splits into delivery to the browser and the page's own work
        chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ARRIVALS));
        chrome.executeCdpCommand("Performance.enable", Map.of());
        browser.open("/runs/" + runId);
        browser.until(driver -> "push".equals(browser.script("const s = document.querySelector('.live-status'); return s && s.dataset.transport")),
                Duration.ofSeconds(60));
        browser.until(driver -> String.valueOf(browser.script("const c = document.getElementById('console'); return c && c.textContent"))
                .contains("the benchmark's run"), Duration.ofSeconds(60));
        Object heapBefore = browser.script("return performance.memory ? performance.memory.usedJSHeapSize : null");
        browser.script("window.__bench = {lags: [], perSecond: {}};"
                + "new MutationObserver((records) => { const now = Date.now();"
                + "  for (const record of records) for (const node of record.addedNodes) {"
                + "    const m = /^bench (\\d+) (\\d+)/.exec(node.textContent || '');"
                + "    if (m) { window.__bench.lags.push(now - Number(m[2]));"
                + "      const s = Math.floor(now / 1000); window.__bench.perSecond[s] = (window.__bench.perSecond[s] || 0) + 1; } } })"
                + ".observe(document.getElementById('console'), {childList: true});");

        browser.script("window.__arrivals.length = 0; window.__arrivalsOn = true;");
        Map<String, Double> metricsBefore = mainThread(chrome);
        int batch = 10;
        long total = (long) rate * seconds;
        AtomicLong failures = new AtomicLong();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long t0 = System.nanoTime();
        long n = 0;
        while (n < total) {
            long due = t0 + (long) ((n / (double) rate) * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            StringBuilder body = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < batch && n < total; i++, n++) {
                String data = "{\"attempt\":1,\"text\":\"bench " + n + " " + System.currentTimeMillis()
                        + " a console line of a fast agent run, long enough to look like one\\n\"}";
                body.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channel).append("\",\"name\":\"run.output\",\"data\":")
                        .append(JSON.writeValueAsString(data)).append('}');
            }
            body.append("]}");
            String text = body.toString();
            String uri = PusherApiRequests.signedUri("/apps/agent-workspace/batch_events", "agent-workspace-key", SECRET, text,
                    System.currentTimeMillis() / 1000);
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + uri))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                    HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    }));
            inFlight.removeIf(CompletableFuture::isDone);
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double publishSeconds = (System.nanoTime() - t0) / 1e9;
        browser.until(driver -> ((Number) browser.script("return window.__bench.lags.length")).longValue() >= total - failures.get() * batch,
                Duration.ofSeconds(120));
        Map<String, Double> metricsAfter = mainThread(chrome);
        double wall = metricsAfter.get("Timestamp") - metricsBefore.get("Timestamp");
        System.out.printf("page main thread over the stream (%.1f s): busy %.0f%% (script %.0f%%, layout %.0f%%, style %.0f%%)%n",
                wall, 100 * (metricsAfter.get("TaskDuration") - metricsBefore.get("TaskDuration")) / wall,
                100 * (metricsAfter.get("ScriptDuration") - metricsBefore.get("ScriptDuration")) / wall,
                100 * (metricsAfter.get("LayoutDuration") - metricsBefore.get("LayoutDuration")) / wall,
                100 * (metricsAfter.get("RecalcStyleDuration") - metricsBefore.get("RecalcStyleDuration")) / wall);
        long[] arrivals = ((List<Number>) browser.script("return window.__arrivals")).stream().mapToLong(Number::longValue)
                .sorted().toArray();
        if (arrivals.length > 0) {
            System.out.printf("lag publish -> arrival on the page's WebSocket (%d lines): p50 %d ms, p99 %d ms, max %d ms%n",
                    arrivals.length, arrivals[arrivals.length / 2], arrivals[(int) (arrivals.length * 0.99)],
                    arrivals[arrivals.length - 1]);
        }
        List<Number> lags = (List<Number>) browser.script("return window.__bench.lags");
        Map<String, Number> perSecond = (Map<String, Number>) browser.script("return window.__bench.perSecond");
        long[] sorted = lags.stream().mapToLong(Number::longValue).sorted().toArray();
        List<Long> rates = perSecond.values().stream().map(Number::longValue).sorted().toList();
        System.gc();
        Object heapAfter = browser.script("return performance.memory ? performance.memory.usedJSHeapSize : null");
        Object nodes = browser.script("return document.getElementsByTagName('*').length");
        System.out.printf("run page under %d lines/s for %d s (published in %.1f s, %d failed requests): %d lines shown, "
                        + "%.0f lines/s over the run (per-second min %d, median %d, max %d); lag publish -> DOM p50 %d ms, "
                        + "p99 %d ms, max %d ms; JS heap %s -> %s bytes; %s DOM elements (the page keeps the newest 20,000 events)%n",
                rate, seconds, publishSeconds, failures.get(), sorted.length, sorted.length / publishSeconds, rates.get(0),
                rates.get(rates.size() / 2), rates.get(rates.size() - 1), sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.99)], sorted[sorted.length - 1], heapBefore, heapAfter, nodes);
    }

    /** Wraps the page's WebSocket constructor: every benchmark line's arrival time, by the page's clock. */
    private static final String ARRIVALS = """
            (() => {
              const Native = window.WebSocket;
              window.__arrivals = [];
              window.__arrivalsOn = false;
              const Wrapped = function (url, protocols) {
                const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
                socket.addEventListener('message', (message) => {
                  if (!window.__arrivalsOn || typeof message.data !== 'string') return;
                  const now = Date.now();
                  const lines = /bench \\d+ (\\d+)/g;
                  let m;
                  while ((m = lines.exec(message.data)) !== null) window.__arrivals.push(now - Number(m[1]));
                });
                return socket;
              };
              Wrapped.prototype = Native.prototype;
              Object.assign(Wrapped, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
              window.WebSocket = Wrapped;
            })();
            """;

    /** Chromium's own counters of the page's main thread (seconds of task, script, layout and style work). */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> mainThread(ChromeDriver chrome) {
        Map<String, Double> values = new java.util.HashMap<>();
        for (Map<String, Object> metric : (List<Map<String, Object>>) chrome.executeCdpCommand("Performance.getMetrics",
                Map.of()).get("metrics")) {
            values.put((String) metric.get("name"), ((Number) metric.get("value")).doubleValue());
        }
        return values;
    }

    private String project() throws Exception {
        Path origin = GitRepositories.withCommits(Files.createTempDirectory("control-center-bench-origin"), 1).path();
        JsonNode registered = post("/api/projects", Map.of("name", "bench", "localPath", origin.toString()));
        String id = registered.get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"ready".equals(get("/api/projects/" + id).at("/workspace/status").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the project was not cloned within 60 s");
            }
            Thread.sleep(100);
        }
        return id;
    }

    private String startRun(String projectId, String script) throws Exception {
        return post("/api/runs", Map.of("projectId", projectId, "queue", "agents-default", "provider", "script",
                "model", "script", "prompt", script)).get("id").asText();
    }

    private void awaitEnded(String runId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (get("/api/runs/" + runId).path("summary").isNull() || get("/api/runs/" + runId).path("summary").isMissingNode()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the seeded runs did not end within 300 s");
            }
            Thread.sleep(200);
        }
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String path, Object body) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
