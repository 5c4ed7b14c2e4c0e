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
 * entry is never taken on trust, since any client can write it.
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

    private boolean trusted(InetAddress address) {
        return trusted.stream().anyMatch(network -> network.contains(address));
    }

    /** An IP literal, never a name to resolve; null for anything else. */
    private static InetAddress literal(String text) {
        String host = text.startsWith("[") && text.contains("]") ? text.substring(1, text.indexOf(']')) : text;
        if (!host.matches("[0-9A-Fa-f:.]+") || host.length() > 45) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
