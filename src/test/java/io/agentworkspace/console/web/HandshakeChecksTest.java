package io.agentworkspace.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** The handshake's Origin check against the configured origins (parsed once) or the service's own. */
class HandshakeChecksTest {

    @Test
    void aConfiguredOriginMatchesHoweverItIsWritten() {
        HandshakeChecks checks = new HandshakeChecks(List.of(" HTTPS://Control.Example:8443 ", "http://localhost:3000"));
        assertThat(checks.originAllowed(handshake("https://control.example:8443", "api.example"))).isTrue();
        assertThat(checks.originAllowed(handshake("http://LOCALHOST:3000", "api.example"))).isTrue();
        assertThat(checks.originAllowed(handshake("https://control.example", "api.example"))).isFalse();
        assertThat(checks.originAllowed(handshake("https://evil.example", "evil.example"))).as("not the own origin then")
                .isFalse();
        assertThat(checks.originAllowed(handshake(null, "api.example"))).as("no Origin: not a browser").isTrue();
    }

    @Test
    void withoutConfiguredOriginsOnlyTheServicesOwnPasses() {
        HandshakeChecks checks = new HandshakeChecks(List.of());
        assertThat(checks.originAllowed(handshake("http://app.example", "app.example:80"))).isTrue();
        assertThat(checks.originAllowed(handshake("https://app.example", "app.example"))).isTrue();
        assertThat(checks.originAllowed(handshake("https://other.example", "app.example"))).isFalse();
        assertThat(checks.originAllowed(handshake("null", "app.example"))).isFalse();
    }

    @Test
    void aConfiguredEntryThatIsNoOriginStopsTheStart() {
        assertThatThrownBy(() -> new HandshakeChecks(List.of("https://ok.example", "ftp://files.example")))
                .hasMessageContaining("agent.console.allowed-origins").hasMessageContaining("ftp://files.example");
    }

    private static MockServerWebExchange handshake(String origin, String host) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("http://" + host + "/app/key")
                .header("Host", host);
        if (origin != null) {
            request.header("Origin", origin);
        }
        return MockServerWebExchange.from(request);
    }
}
