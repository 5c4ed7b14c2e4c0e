package io.agentworkspace.infrastructure;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Addresses that belong to the service's own network or to no one: loopback, private, link-local (cloud metadata),
 * shared (CGNAT), multicast, reserved and documentation ranges, and the IPv6 forms that carry one of those inside
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) or cannot be judged (Teredo). What a clone, a pull or an agent's
 * outbound connection may not reach unless an operator allowed it by network.
 */
public final class InternalAddresses {

    private InternalAddresses() {
    }

    public static boolean contains(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return internalV4(bytes);
        }
        if (address instanceof Inet6Address) {
            return internalV6(bytes);
        }
        return true;
    }

    private static boolean internalV4(byte[] bytes) {
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        int third = bytes[2] & 0xff;
        return first == 0 || first == 10 || first == 127 || first >= 224         // this network, private, loopback, multicast, reserved
                || (first == 100 && second >= 64 && second < 128)                   // shared address space (CGNAT)
                || (first == 169 && second == 254)                                  // link-local, cloud metadata
                || (first == 172 && second >= 16 && second < 32)
                || (first == 192 && second == 168)
                || (first == 192 && second == 0 && (third == 0 || third == 2))      // protocol assignments, documentation
                || (first == 198 && (second == 18 || second == 19))                 // benchmarking
                || (first == 198 && second == 51 && third == 100)                   // documentation
                || (first == 203 && second == 0 && third == 113);                   // documentation
    }

    private static boolean internalV6(byte[] bytes) {
        int first = bytes[0] & 0xff;
        if (zero(bytes, 0, 10) && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
            return embedded(bytes, 12);                                             // IPv4-mapped ::ffff:a.b.c.d
        }
        if (zero(bytes, 0, 12)) {
            return embedded(bytes, 12);                                             // IPv4-compatible ::a.b.c.d (and :: / ::1)
        }
        if (prefix(bytes, 0x00, 0x64, 0xff, 0x9b)) {
            return !zero(bytes, 4, 12) || embedded(bytes, 12);                       // NAT64 64:ff9b::/96; 64:ff9b:1::/48 is local use
        }
        if (prefix(bytes, 0x20, 0x02)) {
            return embedded(bytes, 2);                                              // 6to4 2002:a.b.c.d::/48
        }
        return (first & 0xfe) == 0xfc                                               // unique local fc00::/7
                || prefix(bytes, 0x20, 0x01, 0x00, 0x00)                            // Teredo: the IPv4 inside is obfuscated
                || prefix(bytes, 0x20, 0x01, 0x0d, 0xb8)                            // documentation
                || (prefix(bytes, 0x01, 0x00) && zero(bytes, 2, 8));                // discard-only 100::/64
    }

    private static boolean embedded(byte[] bytes, int offset) {
        try {
            return contains(InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + 4)));
        } catch (UnknownHostException impossible) {
            return true;
        }
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean prefix(byte[] bytes, int... expected) {
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[i] & 0xff) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
