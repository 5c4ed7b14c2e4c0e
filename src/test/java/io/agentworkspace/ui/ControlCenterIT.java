package io.agentworkspace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.console.PackagedServer;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.ApiCaptures;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.Browser;
import io.agentworkspace.support.CuttableProxy;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/**
 * The Control Center in a real headless Chromium against the packaged service (MariaDB, Redis), reached through a
 * proxy that can cut its WebSockets. One service and one browser for the class: the tests run in order, each
 * leaving the browser signed in. Every page's screenshot lands in target/ui-screenshots; no page may log an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlCenterIT {

    String database;
    Path dataDir;
    PackagedServer server;
    CuttableProxy proxy;
    Browser browser;
    String adminToken;
    WebTestClient admin;
    String projectId;

    @BeforeAll
    void start() throws Exception {
        database = TestServices.createDatabase();
        dataDir = Files.createTempDirectory("agent-ui");
        server = PackagedServer.create(database, dataDir, Map.of("agent.secrets.master-key", MySqlProfile.TEST_MASTER_KEY,
                "agent.runs.poll-interval", "200ms", "agent.projections.rebuild-max-rate", "40"));
        server.start(Duration.ofSeconds(180));
        proxy = CuttableProxy.to(Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1)));
        adminToken = AdminToken.read(dataDir);
        admin = AdminToken.authorize(WebTestClient.bindToServer().baseUrl(server.baseUrl()).build(), adminToken);
        browser = Browser.start(proxy.baseUrl());
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    final org.junit.jupiter.api.extension.TestWatcher screenshotOnFailure = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @AfterEach
    void noJavaScriptErrors() {
        assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    @Order(10)
    void signsInWithAPastedTokenIntoAnHttpOnlySession() {
        browser.open("/");
        browser.await(By.cssSelector("input[name=token]"));
        browser.screenshot("01-sign-in");
        browser.driver().findElement(By.cssSelector("input[name=token]")).sendKeys(adminToken);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(By.cssSelector("#queues"));
        assertThat(browser.driver().findElement(By.id("page-title")).getText()).isEqualTo("Overview");
        assertThat(browser.cookie("aw_session")).as("the session cookie").startsWith("aw_");
        assertThat((String) browser.script("return document.cookie")).as("what scripts can read")
                .doesNotContain("aw_session").contains("XSRF-TOKEN");
        assertThat(browser.driver().getPageSource()).doesNotContain(adminToken);
        List<String> queues = browser.driver().findElements(By.cssSelector("#queues tbody tr")).stream()
                .map(row -> row.getAttribute("data-queue")).toList();
        assertThat(queues).containsExactly("agents-default", "agents-long", "rag-index", "docs");
        browser.await(By.cssSelector(".chart"));
        browser.screenshot("02-overview");
    }

    @Test
    @Order(20)
    void registersALocalRepositoryAndBrowsesItsWorkspace() throws Exception {
        Path origin = GitRepositories.withCommits(Files.createTempDirectory("agent-ui-origin"), 2).path();
        browser.open("/projects");
        browser.await(By.xpath("//button[normalize-space()='Register a project']")).click();
        browser.await(By.cssSelector("#register-project input[name=name]")).sendKeys("ui-repo");
        browser.driver().findElement(By.cssSelector("#register-project input[name=source]")).sendKeys(origin.toString());
        browser.driver().findElement(By.cssSelector("#register-project button[type=submit]")).click();
        // the list shows it as soon as the read model has it, then the project page follows its clone live
        browser.await(By.xpath("//table[@id='projects']//a[.='ui-repo']"), Duration.ofSeconds(20)).click();
        browser.until(driver -> driver.getCurrentUrl().matches(".*/projects/[0-9a-f-]{36}.*"), Duration.ofSeconds(20));
        projectId = browser.driver().getCurrentUrl().replaceAll(".*/projects/([0-9a-f-]{36}).*", "$1");
        // the clone finishes while the page is open: it turns ready without a reload
        browser.await(By.cssSelector("button.tree-file[data-path='file-1.txt']"), Duration.ofSeconds(60)).click();
        assertThat(browser.await(By.cssSelector("#file-content")).getText()).isEqualTo("line 1");
        browser.driver().findElement(By.cssSelector("button.tree-dir[data-path='src']")).click();
        browser.await(By.cssSelector("button.tree-dir[data-path='src/nested']")).click();
        browser.await(By.cssSelector("button.tree-file[data-path='src/nested/Main.java']")).click();
        browser.until(driver -> driver.findElement(By.cssSelector("#file-content")).getText().contains("int v = 2"),
                Duration.ofSeconds(10));
        assertThat(browser.driver().findElement(By.cssSelector("#file-content")).getAttribute("data-language"))
                .as("highlighted as").isEqualTo("java");
        assertThat(browser.driver().findElements(By.cssSelector("#file-content .hljs-keyword"))).isNotEmpty();
        browser.screenshot("03-project-files");

        browser.driver().findElement(By.xpath("//nav[@aria-label='Project sections']/a[.='History']")).click();
        browser.await(By.xpath("//ol[@class='commits']//a[contains(., 'commit 2')]")).click();
        browser.until(driver -> driver.findElements(By.cssSelector(".diff-file")).stream().map(WebElement::getText)
                .anyMatch(text -> text.contains("+class Main { int v = 2; }")), Duration.ofSeconds(10));
        browser.screenshot("04-project-history");
    }

    @Test
    @Order(30)
    void showsWhoElseIsWatchingAProject() throws Exception {
        browser.open("/projects/" + projectId);
        assertThat(browser.await(By.cssSelector("#watchers")).getText()).isEqualTo("Only you are here");
        String second = issue("second operator", "operator");
        try (Browser other = Browser.start(proxy.baseUrl())) {
            other.open("/projects/" + projectId);
            other.await(By.cssSelector("input[name=token]")).sendKeys(second);
            other.driver().findElement(By.cssSelector("button[type=submit]")).click();
            other.await(By.cssSelector("#watchers"));
            browser.until(driver -> driver.findElement(By.cssSelector("#watchers")).getText()
                    .equals("Also here: second operator (browser)"), Duration.ofSeconds(15));
            assertThat(other.consoleErrors()).isEmpty();
        }
        browser.until(driver -> driver.findElement(By.cssSelector("#watchers")).getText().equals("Only you are here"),
                Duration.ofSeconds(30));
    }

    @Test
    @Order(40)
    void aScriptRunStreamsInOrderAndTheConsoleEqualsTheDurableLog() throws Exception {
        browser.open("/runs?new=1&project=" + projectId);
        browser.await(By.cssSelector("#start-run"));
        new Select(browser.driver().findElement(By.cssSelector("#start-run select[name=projectId]"))).selectByValue("");
        browser.driver().findElement(By.cssSelector("#start-run button[type=submit]")).click();
        assertThat(browser.await(By.cssSelector("#start-run .field.invalid .field-error")).getText())
                .as("the problem's field error, inline").isNotBlank();
        assertThat(browser.driver().findElement(By.cssSelector("#start-run .field.invalid select")).getAttribute("name"))
                .isEqualTo("projectId");
        assertThat(browser.consoleErrors(message -> message.matches(".*/api/runs - Failed to load resource: .* 400 .*")))
                .as("errors besides the refused start the form showed").isEmpty();

        new Select(browser.driver().findElement(By.cssSelector("#start-run select[name=projectId]"))).selectByValue(projectId);
        StringBuilder script = new StringBuilder("say starting the work\n")
                .append("tool write_file {\"path\":\"notes.txt\",\"content\":\"hello from a run\\n\"}\n");
        for (int i = 1; i <= 40; i++) {
            script.append("say line ").append(i).append(" of the run\nsleep 250\n");
        }
        script.append("usage 1200 300");
        WebElement prompt = browser.driver().findElement(By.cssSelector("#start-run textarea[name=prompt]"));
        browser.script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
                prompt, script.toString());
        browser.driver().findElement(By.cssSelector("#start-run button[type=submit]")).click();
        browser.until(driver -> driver.getCurrentUrl().matches(".*/runs/[0-9a-f-]{36}$"), Duration.ofSeconds(20));
        String runId = browser.driver().getCurrentUrl().replaceAll(".*/runs/", "");

        // while it streams: part of the output is there, in order, and the run is running
        browser.until(driver -> consoleText().contains("line 5 of the run"), Duration.ofSeconds(60));
        browser.until(driver -> "running".equals(driver.findElement(By.id("run-state")).getAttribute("data-state")),
                Duration.ofSeconds(10));
        assertThat(consoleText()).doesNotContain("line 40 of the run")
                .contains("▶ write_file").contains("◀ write_file ok");
        browser.screenshot("05-run-streaming");

        browser.until(driver -> "succeeded".equals(driver.findElement(By.id("run-state")).getAttribute("data-state")),
                Duration.ofSeconds(90));
        List<Long> logged = awaitConsoleEqualsLog(runId);
        assertThat(logged).as("the channel's durable log").hasSizeGreaterThan(80);
        String text = consoleText();
        assertThat(text).as("the console's text; its first lines: %s", browser.script(
                "return [...document.querySelectorAll('#console > *')].slice(0, 12).map(e => e.outerHTML).join('\\n')"))
                .contains("▶ write_file", "◀ write_file ok");
        assertThat(text.indexOf("starting the work")).isLessThan(text.indexOf("▶ write_file"));
        assertThat(text.indexOf("▶ write_file")).isLessThan(text.indexOf("◀ write_file ok"));
        assertThat(text.indexOf("◀ write_file ok")).isLessThan(text.indexOf("line 1 of the run"));
        for (int i = 1; i < 40; i++) {
            assertThat(text.indexOf("line " + i + " of the run\n")).isLessThan(text.indexOf("line " + (i + 1) + " of the run\n"));
        }
        assertThat(browser.await(By.cssSelector("#run-summary")).getText()).contains("1,200 in").contains("300 out")
                .contains("notes.txt");
        browser.screenshot("06-run-done");
    }

    @Test
    @Order(50)
    void aDroppedSocketFallsBackToPollingAndPushResumesWithinTwoSecondsWithEveryLineOnce() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            script.append("say tick ").append(i).append("\nsleep 40\n");
        }
        String runId = startRun(script.toString());
        browser.open("/runs/" + runId);
        browser.until(driver -> "push".equals(transport()) && consoleText().contains("tick 10\n"), Duration.ofSeconds(60));

        proxy.cutWebSockets(true);
        browser.until(driver -> "polling".equals(transport()), Duration.ofSeconds(10));
        int before = consoleIds().size();
        Thread.sleep(3000);
        assertThat(consoleIds().size()).as("events that arrived by polling while no socket could connect")
                .isGreaterThan(before + 20);
        assertThat(transport()).isEqualTo("polling");
        assertThat(proxy.openWebSockets()).isZero();
        browser.screenshot("07-run-polling");

        long allowed = System.nanoTime();
        proxy.allowWebSockets();
        browser.until(driver -> "push".equals(transport()), Duration.ofSeconds(15));
        long resumedMs = (System.nanoTime() - allowed) / 1_000_000;
        System.out.println("push resumed " + resumedMs + " ms after WebSockets were accepted again");
        assertThat(resumedMs).as("push resumed after the socket could connect again, ms").isLessThanOrEqualTo(2000);
        int atResume = consoleIds().size();
        browser.until(driver -> consoleIds().size() > atResume + 10, Duration.ofSeconds(20));
        assertThat(transport()).as("the later events came by push").isEqualTo("push");

        browser.until(driver -> "succeeded".equals(driver.findElement(By.id("run-state")).getAttribute("data-state")),
                Duration.ofSeconds(120));
        List<Long> logged = awaitConsoleEqualsLog(runId);
        assertThat(consoleIds()).as("every event exactly once").doesNotHaveDuplicates().hasSize(logged.size());
        String text = consoleText();
        for (int i = 1; i <= 300; i++) {
            assertThat(text).as("tick %d once", i).containsOnlyOnce("tick " + i + "\n");
        }
        assertThat(browser.consoleErrors(message -> message.contains("WebSocket connection to")))
                .as("errors besides the refused WebSocket connections").isEmpty();
    }

    @Test
    @Order(55)
    void aRunIsCancelledAndRetriedFromItsPage() {
        String runId = startRun("say waiting for a cancel\nsleep 120000\nsay never printed");
        browser.open("/runs/" + runId);
        browser.until(driver -> consoleText().contains("waiting for a cancel"), Duration.ofSeconds(60));
        browser.await(By.xpath("//button[.='Cancel run']")).click();
        browser.await(By.cssSelector("dialog[open] button[type=submit]")).click();
        browser.until(driver -> "cancelled".equals(driver.findElement(By.id("run-state")).getAttribute("data-state")),
                Duration.ofSeconds(30));
        browser.until(driver -> consoleEvents().contains("run.cancelled"), Duration.ofSeconds(30));
        assertThat(consoleText()).doesNotContain("never printed");
        browser.await(By.xpath("//button[.='Retry']")).click();
        browser.await(By.cssSelector("dialog[open] button[type=submit]")).click();
        browser.until(driver -> !driver.getCurrentUrl().endsWith(runId), Duration.ofSeconds(20));
        assertThat(browser.await(By.xpath("//dt[.='Retry of']/following-sibling::dd/a")).getAttribute("href")).endsWith(runId);
        String retry = browser.driver().getCurrentUrl().replaceAll(".*/runs/", "");
        admin.post().uri("/api/runs/" + retry + "/cancel").exchange().expectStatus().isAccepted();
    }

    @Test
    @Order(60)
    void aRestoredSnapshotShowsTheOriginalContentInTheFileViewer() {
        browser.open("/projects/" + projectId + "?tab=snapshots");
        browser.await(By.cssSelector("#take-snapshot input[name=label]")).sendKeys("before the change");
        browser.driver().findElement(By.cssSelector("#take-snapshot button[type=submit]")).click();
        By snapshot = By.xpath("//table[@id='snapshots']//tr[th[.='before the change']]");
        browser.until(driver -> "created".equals(driver.findElement(snapshot).getAttribute("data-status")), Duration.ofSeconds(60));
        browser.screenshot("08-snapshots");

        awaitRunEnded(startRun("tool write_file {\"path\":\"file-1.txt\",\"content\":\"changed by a run\\n\"}"));
        browser.open("/projects/" + projectId + "?tab=files&path=file-1.txt");
        browser.until(driver -> driver.findElement(By.id("file-content")).getText().equals("changed by a run"),
                Duration.ofSeconds(20));

        browser.open("/projects/" + projectId + "?tab=snapshots");
        browser.await(snapshot).findElement(By.xpath(".//button[.='Restore']")).click();
        WebElement dialog = browser.await(By.cssSelector("dialog[open]"));
        assertThat(dialog.getText()).contains("Restore this snapshot?");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(By.xpath("//p[contains(@class, 'notice') and starts-with(normalize-space(), 'Restored before the change')]"),
                Duration.ofSeconds(60));
        browser.driver().findElement(By.xpath("//nav[@aria-label='Project sections']/a[.='Files']")).click();
        browser.await(By.cssSelector("button.tree-file[data-path='file-1.txt']")).click();
        browser.until(driver -> driver.findElement(By.id("file-content")).getText().equals("line 1"), Duration.ofSeconds(20));
        browser.screenshot("09-restored-file");
    }

    @Test
    @Order(70)
    void aSecretValueNeverReachesAResponseThePageOrTheBrowsersStorage() {
        String value = LeakCanaries.register("ui-canary-" + java.util.UUID.randomUUID() + "-value");
        proxy.record();
        browser.open("/secrets");
        browser.await(By.xpath("//button[.='Set a secret']")).click();
        browser.await(By.cssSelector("#set-secret input[name=name]")).sendKeys("ui.canary");
        browser.driver().findElement(By.cssSelector("#set-secret input[name=value]")).sendKeys(value);
        browser.driver().findElement(By.cssSelector("#set-secret button[type=submit]")).click();
        WebElement row = browser.await(By.cssSelector("#secrets tr[data-secret='ui.canary']"));
        assertThat(row.getText()).contains("****" + value.substring(value.length() - 4));
        browser.driver().findElement(By.cssSelector("#secrets tr[data-secret='ui.canary'] button.secondary")).click();
        browser.await(By.cssSelector("#set-secret input[name=value]")).sendKeys(value + "-rotated");
        browser.driver().findElement(By.cssSelector("#set-secret button[type=submit]")).click();
        browser.until(driver -> driver.findElement(By.cssSelector("#secrets tr[data-secret='ui.canary']")).getText().contains("2"),
                Duration.ofSeconds(20));
        browser.open("/secrets");
        browser.await(By.cssSelector("#secrets tr[data-secret='ui.canary']"));
        browser.screenshot("10-secrets");

        assertThat(proxy.recorded()).as("everything the service sent the browser").contains("ui.canary")
                .doesNotContain(value);
        assertThat(browser.driver().getPageSource()).doesNotContain(value);
        String storage = (String) browser.script("return JSON.stringify({local: {...localStorage}, session: {...sessionStorage},"
                + " cookies: document.cookie, values: [...document.querySelectorAll('input')].map(i => i.value)})");
        assertThat(storage).doesNotContain(value);
        assertThat(browser.driver().manage().getCookies().toString()).doesNotContain(value);
    }

    @Test
    @Order(80)
    void aSessionWithoutSecretsWriteSeesNoEditingAndAForcedChangeIs403() {
        signOut();
        signIn(issue("read-only operator", "operator"));
        browser.open("/secrets");
        browser.await(By.cssSelector("#secrets tr[data-secret='ui.canary']"));
        assertThat(browser.has(By.id("read-only-note"))).isTrue();
        assertThat(browser.driver().findElements(By.xpath("//button[.='Set a secret' or .='Rotate' or .='Erase']"))).isEmpty();
        assertThat(browser.has(By.cssSelector("#set-secret"))).isFalse();
        browser.screenshot("11-secrets-read-only");

        cookieClient().put().uri("/api/secrets/ui.canary").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", "forced-by-the-test")).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/forbidden");
        admin.get().uri("/api/secrets/ui.canary").exchange().expectBody().jsonPath("$.version").isEqualTo(2);
        signOut();
        signIn(adminToken);
    }

    @Test
    @Order(90)
    void aCookieRequestWithoutTheCsrfTokenIs403AndChangesNothing() {
        long runs = admin.get().uri("/api/runs").exchange().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("total").asLong();
        WebTestClient withoutCsrf = WebTestClient.bindToServer().baseUrl(server.baseUrl()).filter(ApiCaptures.filter())
                .defaultCookie("aw_session", browser.cookie("aw_session")).build();
        withoutCsrf.put().uri("/api/secrets/ui.csrf").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", "should-not-be-set")).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.type").isEqualTo("/problems/csrf-token-invalid");
        withoutCsrf.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", projectId, "queue", "agents-default", "provider", "script", "model", "script",
                        "prompt", "say forged")).exchange()
                .expectStatus().isForbidden();
        withoutCsrf.put().uri("/api/secrets/ui.csrf").header("X-XSRF-TOKEN", "a-guess").cookie("XSRF-TOKEN", "another-guess")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", "should-not-be-set")).exchange()
                .expectStatus().isForbidden();
        admin.get().uri("/api/secrets/ui.csrf").exchange().expectStatus().isNotFound();
        assertThat(admin.get().uri("/api/runs").exchange().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("total").asLong()).isEqualTo(runs);
        // the same change with the token the page echoes is accepted: the cookie and the session are fine
        cookieClient().put().uri("/api/secrets/ui.csrf").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", LeakCanaries.register("csrf-checked-" + java.util.UUID.randomUUID())))
                .exchange().expectStatus().isCreated();
    }

    @Test
    @Order(100)
    @SuppressWarnings("unchecked")
    void nativeEventSourceStreamsTheConsoleUnderTheSessionCookie() {
        browser.open("/");
        browser.await(By.cssSelector("#queues"));
        browser.script("window.__sse = {events: [], opened: false};"
                + "const source = new EventSource('/api/console/stream?channel=private-ops');"
                + "window.__sse.source = source;"
                + "source.onopen = () => { window.__sse.opened = true; };"
                + "source.onmessage = (m) => window.__sse.events.push(JSON.parse(m.data));");
        browser.until(driver -> Boolean.TRUE.equals(browser.script("return window.__sse.opened")), Duration.ofSeconds(15));
        admin.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "sse-probe", "gitUrl", "https://example.invalid/nothing.git")).exchange()
                .expectStatus().isAccepted();
        List<Map<String, Object>> events = browser.until(driver -> {
            List<Map<String, Object>> received = (List<Map<String, Object>>) browser.script("return window.__sse.events");
            return received.stream().anyMatch(event -> "project.registered".equals(event.get("event"))) ? received : null;
        }, Duration.ofSeconds(30));
        browser.script("window.__sse.source.close()");
        Map<String, Object> registered = events.stream().filter(event -> "project.registered".equals(event.get("event")))
                .findFirst().orElseThrow();
        assertThat(registered.get("channel")).isEqualTo("private-ops");
        assertThat(((Map<String, Object>) registered.get("data")).get("name")).isEqualTo("sse-probe");
    }

    @Test
    @Order(110)
    void theQrCodeDecodesToThePairingPayloadAndARedeemedDeviceAppearsWithoutReload() throws Exception {
        browser.open("/tokens");
        proxy.record();
        browser.await(By.cssSelector("#pair-device input[name=label]")).sendKeys("Test phone");
        browser.driver().findElement(By.cssSelector("#pair-device button[type=submit]")).click();
        WebElement qr = browser.await(By.id("pairing-qr"));
        String code = browser.driver().findElement(By.id("pairing-code")).getText();
        browser.await(By.cssSelector(".countdown"));
        browser.screenshot("12-pairing");
        String answered = proxy.recorded();
        java.util.regex.Matcher issued = java.util.regex.Pattern.compile("\"qrPayload\":\"([^\"]+)\"").matcher(answered);
        assertThat(issued.find()).as("the pairing the API returned to the page").isTrue();
        String payload = issued.group(1);
        assertThat(payload).startsWith("agentworkspace://pair?server=").endsWith("&code=" + code);
        assertThat(QrCodes.decode(browser.screenshotOf(qr))).as("what the QR image says").isEqualTo(payload);

        JsonNode paired = WebTestClient.bindToServer().baseUrl(server.baseUrl()).filter(ApiCaptures.filter()).build()
                .post().uri("/api/pair").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", code, "deviceName", "Test iPhone")).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(paired.get("deviceName").asText()).isEqualTo("Test iPhone");
        browser.until(driver -> driver.findElements(By.xpath("//table[@id='devices']//tr[th[.='Test iPhone']]")).stream()
                .anyMatch(row -> "paired".equals(row.getAttribute("data-status"))), Duration.ofSeconds(15));
        browser.await(By.xpath("//p[contains(@class, 'notice') and normalize-space() = 'Paired with Test iPhone.']"));
        browser.screenshot("13-paired");

        browser.driver().findElement(By.xpath("//button[.='Issue a token']")).click();
        browser.await(By.cssSelector("#issue-token input[name=name]")).sendKeys("ci pipeline");
        new Select(browser.driver().findElement(By.cssSelector("#issue-token select[name=preset]"))).selectByVisibleText("auditor");
        browser.driver().findElement(By.cssSelector("#issue-token button[type=submit]")).click();
        String shown = browser.await(By.cssSelector("#issued-token code")).getText();
        assertThat(shown).matches("aw_[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}");
        admin.mutate().defaultHeader("Authorization", "Bearer " + shown).build()
                .get().uri("/api/me").exchange().expectBody().jsonPath("$.preset").isEqualTo("auditor");
        browser.screenshot("14-tokens");
        browser.driver().findElement(By.xpath("//button[.='I have copied it']")).click();
        assertThat(browser.driver().getPageSource()).as("shown once").doesNotContain(shown);
    }

    @Test
    @Order(120)
    void aProjectionRebuildStartedFromThePageReachesDoneWhileTheProjectsListNeverEmpties() throws Exception {
        long projects = admin.get().uri("/api/projects").exchange().expectBody(JsonNode.class).returnResult()
                .getResponseBody().get("total").asLong();
        assertThat(projects).isGreaterThanOrEqualTo(2);
        java.util.concurrent.atomic.AtomicLong fewest = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (watching.get()) {
                JsonNode page = admin.get().uri("/api/projects").exchange().expectStatus().isOk().expectBody(JsonNode.class)
                        .returnResult().getResponseBody();
                fewest.accumulateAndGet(page.get("items").size(), Math::min);
                reads.incrementAndGet();
            }
        }, "projects-reader");
        reader.start();
        try {
            browser.open("/projections");
            WebElement row = browser.await(By.cssSelector("#projections tr[data-projection='projects']"));
            row.findElement(By.xpath(".//button[.='Rebuild']")).click();
            browser.until(driver -> driver.findElement(By.cssSelector("#projections tr[data-projection='projects'] progress"))
                    != null, Duration.ofSeconds(20));
            browser.screenshot("15-projection-rebuilding");
            browser.until(driver -> "done".equals(driver.findElement(
                    By.cssSelector("#projections tr[data-projection='projects'] .rebuild")).getAttribute("data-state")),
                    Duration.ofSeconds(120));
            assertThat(browser.driver().findElement(By.cssSelector("#projections tr[data-projection='projects'] progress"))
                    .getAttribute("value")).isEqualTo("100");
            browser.screenshot("16-projection-rebuilt");
        } finally {
            watching.set(false);
            reader.join(10_000);
        }
        assertThat(reads.get()).as("reads of the projects list during the rebuild").isGreaterThan(10);
        assertThat(fewest.get()).as("fewest projects any read saw").isEqualTo(projects);
    }

    @Test
    @Order(130)
    void theAuditPageVerifiesTheChainAndFollowsNewEvents() {
        browser.open("/audit");
        assertThat(browser.await(By.cssSelector("#chain"), Duration.ofSeconds(60)).getAttribute("data-intact")).isEqualTo("true");
        browser.await(By.cssSelector("#events tbody tr"));
        WebElement type = browser.driver().findElement(By.cssSelector("input[name=type]"));
        type.sendKeys("ProjectRegistered");
        browser.driver().findElement(By.xpath("//form[@aria-label='Filter events']//button[.='Show']")).click();
        browser.until(driver -> driver.findElements(By.cssSelector("#events tbody tr[data-position]")).stream()
                .allMatch(row -> row.getText().contains("ProjectRegistered")), Duration.ofSeconds(20));
        int before = browser.driver().findElements(By.cssSelector("#events tbody tr[data-position]")).size();
        browser.driver().findElement(By.cssSelector("input[name=follow]")).click();
        admin.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "audit-probe", "gitUrl", "https://example.invalid/audit.git")).exchange()
                .expectStatus().isAccepted();
        browser.until(driver -> driver.findElements(By.cssSelector("#events tbody tr[data-position]")).size() > before,
                Duration.ofSeconds(30));
        browser.screenshot("17-audit");
        browser.driver().findElement(By.cssSelector("input[name=follow]")).click();
    }

    @Test
    @Order(140)
    void everyPageWorksAtPhoneWidthAndFromTheKeyboard() {
        browser.size(390, 844);
        try {
            for (String page : List.of("/", "/projects", "/projects/" + projectId, "/runs", "/secrets", "/tokens",
                    "/projections", "/audit")) {
                browser.open(page);
                browser.await(By.id("page-title"));
                browser.until(driver -> !driver.findElements(By.cssSelector(".loading")).isEmpty() ? null : true,
                        Duration.ofSeconds(30));
                Number overflow = (Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth");
                assertThat(overflow.intValue()).as("horizontal overflow of %s at phone width", page).isLessThanOrEqualTo(0);
                browser.screenshot("phone" + (page.equals("/") ? "-overview" : page.replaceAll("/[0-9a-f-]{36}", "-project")
                        .replace('/', '-')));
            }
            WebElement menu = browser.driver().findElement(By.cssSelector("button.menu-toggle"));
            assertThat(menu.getAttribute("aria-expanded")).isEqualTo("false");
            browser.open("/");
            browser.await(By.id("page-title"));
            browser.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
            assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Skip to content");
            browser.driver().findElement(By.cssSelector("button.menu-toggle")).click();
            assertThat(browser.await(By.cssSelector("#nav.open a[href='/runs']")).isDisplayed()).isTrue();
            browser.screenshot("phone-menu");
        } finally {
            browser.size(1366, 900);
        }
        List<String> unlabelled = unlabelledControls();
        assertThat(unlabelled).as("controls without a label on the tokens page").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<String> unlabelledControls() {
        browser.open("/tokens");
        browser.await(By.id("pair-device"));
        return (List<String>) browser.script("return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map(c => c.outerHTML)");
    }

    @Test
    @Order(150)
    void signingOutEndsTheSession() {
        String session = browser.cookie("aw_session");
        signOut();
        assertThat(browser.cookie("aw_session")).isNull();
        WebTestClient.bindToServer().baseUrl(server.baseUrl()).build().get().uri("/api/me").cookie("aw_session", session)
                .exchange().expectStatus().isUnauthorized();
    }

    private void signIn(String token) {
        browser.open("/");
        browser.await(By.cssSelector("input[name=token]")).sendKeys(token);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(By.id("page-title"));
    }

    private void signOut() {
        browser.open("/");
        browser.await(By.xpath("//button[.='Sign out']")).click();
        browser.await(By.cssSelector("input[name=token]"));
    }

    /** Requests forced past the page with the browser's own session cookie and CSRF token. */
    private WebTestClient cookieClient() {
        String csrf = browser.cookie("XSRF-TOKEN");
        return WebTestClient.bindToServer().baseUrl(server.baseUrl()).filter(ApiCaptures.filter())
                .defaultCookie("aw_session", browser.cookie("aw_session")).defaultCookie("XSRF-TOKEN", csrf)
                .defaultHeader("X-XSRF-TOKEN", csrf).build();
    }

    private String transport() {
        return (String) browser.script("const s = document.querySelector('.live-status'); return s ? s.dataset.transport : null");
    }

    private String startRun(String script) {
        return admin.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", projectId, "queue", "agents-default", "provider", "script", "model", "script",
                        "prompt", script))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
    }

    private JsonNode awaitRunEnded(String runId) {
        AtomicReference<JsonNode> run = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            run.set(admin.get().uri("/api/runs/" + runId).exchange().expectBody(JsonNode.class).returnResult().getResponseBody());
            return run.get().get("summary") != null && !run.get().get("summary").isNull();
        });
        return run.get();
    }

    /** The page's console events (their ids) once they equal the channel's durable log; returns the log. */
    private List<Long> awaitConsoleEqualsLog(String runId) {
        AtomicReference<List<Long>> logged = new AtomicReference<>();
        AtomicReference<List<Long>> shown = new AtomicReference<>();
        try {
            browser.until(driver -> {
                try {
                    logged.set(TestServices.consoleLogIds(database, "private-run." + runId));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                shown.set(consoleIds());
                return !logged.get().isEmpty() && shown.get().equals(logged.get())
                        && consoleEvents().contains("run.succeeded");
            }, Duration.ofSeconds(30));
        } catch (org.openqa.selenium.TimeoutException notEqual) {
            assertThat(shown.get()).as("the page's console, by event id").containsExactlyElementsOf(logged.get());
        }
        return logged.get();
    }

    @SuppressWarnings("unchecked")
    private List<Long> consoleIds() {
        return ((List<Object>) browser.script("return [...document.querySelectorAll('#console [data-seq]')]"
                + ".map(e => Number(e.dataset.seq))")).stream().map(id -> ((Number) id).longValue()).toList();
    }

    @SuppressWarnings("unchecked")
    private List<String> consoleEvents() {
        return (List<String>) browser.script("return [...document.querySelectorAll('#console [data-seq]')].map(e => e.dataset.event)");
    }

    private String consoleText() {
        return (String) browser.script("return document.getElementById('console') ? document.getElementById('console').textContent : ''");
    }

    private String issue(String name, String preset) {
        return admin.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "preset", preset)).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("token").asText();
    }
}
