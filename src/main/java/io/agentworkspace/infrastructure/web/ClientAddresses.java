package io.agentworkspace.infrastructure.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.infrastructure.Cidr;

/**
 * The address of the client behind a request, for rate limits and attempt records. The peer's address, unless
 * the peer is a trusted proxy ({@code agent.http.trusted-proxies}): then {@code X-Forwarded-For} is read from the
 * right, skipping trusted hops, and the first address no trusted proxy vouches for is the client. The left-most
 * entry is never taken on trust, since any client can write it. Hops are IP literals (a port after them is dropped);
 * anything else ends the walk at the last trusted proxy, and no name is ever looked up.
 */
@Component
public class ClientAddresses {

    private final List<Cidr> trusted;

    ClientAddresses(HttpSettings settings) {
        this.trusted = settings.trustedProxies().stream().map(Cidr::parse).toList();
    }

    public String of(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        InetAddress client = remote.getAddress();
        if (!trusted(client)) {
            return client.getHostAddress();
        }
        List<String> forwarded = exchange.getRequest().getHeaders().getOrEmpty("X-Forwarded-For");
        String[] hops = String.join(",", forwarded).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty()) {
                continue;
            }
            InetAddress address = literal(hop);
            if (address == null) {
                return client.getHostAddress();
            }
            client = address;
            if (!trusted(address)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    /**
     * Whether the client reached the service over TLS: the request's own scheme, or {@code X-Forwarded-Proto} when a
     * trusted proxy (which terminated TLS) sent the request; a header from any other peer is ignored.
     */
    public boolean overTls(ServerWebExchange exchange) {
        if ("https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme())) {
            return true;
        }
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null || !trusted(remote.getAddress())) {
            return false;
        }
        List<String> protos = exchange.getRequest().getHeaders().getOrEmpty("X-Forwarded-Proto");
        if (protos.isEmpty()) {
            return false;
        }
        // several proxies append in turn: the last one names what the trusted proxy saw
        String[] hops = String.join(",", protos).split(",");
        return "https".equalsIgnoreCase(hops[hops.length - 1].strip());
    }

    /**
     * The key a client's request budget is kept under: an IPv4 address as it is, an IPv6 one by its /64 (the
     * smallest network one subscriber gets, so rotating through it buys no extra attempts).
     */
    public static String budgetOf(String address) {
        InetAddress literal = Cidr.literal(address);
        if (!(literal instanceof java.net.Inet6Address)) {
            return address;
        }
        byte[] network = java.util.Arrays.copyOf(literal.getAddress(), 16);
        java.util.Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/64";
        } catch (java.net.UnknownHostException impossible) {
            return address;
        }
    }

    private boolean trusted(InetAddress address) {
        return trusted.stream().anyMatch(network -> network.contains(address));
    }

    /**
     * A hop's IP literal without its port ({@code 203.0.113.7:5123}, {@code [2001:db8::7]:443}), never a name to
     * resolve; null for anything else.
     */
    static InetAddress literal(String hop) {
        if (hop.length() > 64) {
            return null;
        }
        String host = hop;
        if (hop.startsWith("[") && hop.indexOf(']') > 0) {
            host = hop.substring(1, hop.indexOf(']'));
        } else if (hop.indexOf(':') > 0 && hop.indexOf(':') == hop.lastIndexOf(':')) {
            host = hop.substring(0, hop.indexOf(':'));
        }
        return Cidr.literal(host);
    }
}
