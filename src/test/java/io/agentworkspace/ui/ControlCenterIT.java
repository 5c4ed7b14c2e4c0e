package io.agentworkspace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.console.PackagedServer;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.Browser;
import io.agentworkspace.support.CuttableProxy;
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

    @AfterEach
    void noJavaScriptErrors() {
        assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    @Order(1)
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
}
