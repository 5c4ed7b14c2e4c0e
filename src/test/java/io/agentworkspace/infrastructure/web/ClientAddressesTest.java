package io.agentworkspace.infrastructure.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * Who the client is behind a trusted proxy: hops with ports count as their address, names never resolve, and an
 * untrusted peer's header is ignored.
 */
class ClientAddressesTest {

    final ClientAddresses addresses = new ClientAddresses(new HttpSettings(List.of("10.0.0.0/8", "fd00::/8"),
            new HttpSettings.RateLimits(true, 1, 1, 1)));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5 | 203.0.113.7              | 203.0.113.7",
            "10.0.0.5 | 203.0.113.7:5123         | 203.0.113.7",
            "10.0.0.5 | '[2001:db8::7]:443'      | 2001:db8:0:0:0:0:0:7",
            "10.0.0.5 | 2001:db8::7              | 2001:db8:0:0:0:0:0:7",
            "10.0.0.5 | '198.51.100.1, 10.0.0.9' | 198.51.100.1",
            "10.0.0.5 | face.cafe                | 10.0.0.5",
            "10.0.0.5 | '1.2.3.4, face.cafe'     | 10.0.0.5",
            "192.0.2.9 | 203.0.113.7             | 192.0.2.9",
    })
    void theClientIsTheFirstHopNoTrustedProxyVouchesFor(String peer, String forwarded, String client) {
        assertThat(addresses.of(from(peer, "X-Forwarded-For", forwarded))).isEqualTo(client);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5  | https        | true",
            "10.0.0.5  | 'http, https' | true",
            "10.0.0.5  | http         | false",
            "192.0.2.9 | https        | false",
    })
    void tlsIsWhatATrustedProxySaw(String peer, String forwardedProto, boolean overTls) {
        assertThat(addresses.overTls(from(peer, "X-Forwarded-Proto", forwardedProto))).isEqualTo(overTls);
    }

    /** A plain-HTTP request from {@code peer} with one header. */
    private static MockServerWebExchange from(String peer, String header, String value) {
        return MockServerWebExchange.from(MockServerHttpRequest.get("http://service/")
                .remoteAddress(new InetSocketAddress(peer, 40000)).header(header, value).build());
    }
}
