package io.agentworkspace.infrastructure;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

import io.netty.util.NetUtil;

/** A network as an address and a prefix length ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address). */
public record Cidr(byte[] address, int prefix) {

    /** @throws IllegalArgumentException when {@code text} is not an IP address with an optional /prefix */
    public static Cidr parse(String text) {
        String[] parts = text.strip().split("/", 2);
        InetAddress literal = literal(parts[0]);
        if (literal == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address or an address/prefix (give IP addresses, not names)");
        }
        byte[] address = literal.getAddress();
        try {
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix out of range");
            }
            return new Cidr(address, prefix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address or an address/prefix", e);
        }
    }

    /**
     * An IPv4 or IPv6 literal (an IPv6 one with or without brackets), parsed without any name lookup; null for
     * anything else, a host name that looks like hex ({@code face.cafe}) included.
     */
    public static InetAddress literal(String text) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }

    public boolean contains(InetAddress candidate) {
        byte[] bytes = candidate.getAddress();
        if (bytes.length != address.length) {
            return false;
        }
        int bits = bytes.length * 8;
        BigInteger mask = prefix == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
        return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, address).and(mask));
    }
}
