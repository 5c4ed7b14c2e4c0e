package io.agentworkspace.infrastructure;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A network as an address and a prefix length ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address). */
public record Cidr(byte[] address, int prefix) {

    /** @throws IllegalArgumentException when {@code text} is not an IP address with an optional /prefix */
    public static Cidr parse(String text) {
        String[] parts = text.strip().split("/", 2);
        if (!parts[0].matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an address or an address/prefix (give IP addresses, not names)");
        }
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix out of range");
            }
            return new Cidr(address, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address or an address/prefix", e);
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
