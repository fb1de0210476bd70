package io.chat.auth.rest;

import io.chat.auth.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The client address for per-address failure counting: the first X-Forwarded-For hop when the direct peer is a
 * trusted proxy (the gateway), otherwise the peer itself, so clients cannot forge their address.
 */
@ApplicationScoped
public class ClientAddress {
    private final List<Cidr> trusted;

    @Inject
    public ClientAddress(AuthConfig config) {
        this(config.trustedProxies());
    }

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
    }

    public String resolve(String peer, String forwardedFor) {
        if (peer == null) {
            return "unknown";
        }
        if (forwardedFor != null && !forwardedFor.isBlank() && isTrusted(peer)) {
            String first = forwardedFor.split(",", 2)[0].trim();
            if (isIpLiteral(first)) {
                return first;
            }
        }
        return peer;
    }

    boolean isTrusted(String peer) {
        byte[] addr = literal(peer);
        return addr != null && trusted.stream().anyMatch(c -> c.contains(addr));
    }

    private static boolean isIpLiteral(String s) {
        return literal(s) != null;
    }

    /** Parses an IP literal without any DNS lookup; null when {@code s} is not one. */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45 || !s.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress(); // no lookup: only hex digits, dots and colons reach here
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String s) {
            String[] parts = s.split("/", 2);
            byte[] net = literal(parts[0]);
            if (net == null) {
                throw new IllegalArgumentException("chat.auth.trusted-proxies: not an IP address or CIDR block: " + s);
            }
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
            return new Cidr(net, prefix);
        }

        boolean contains(byte[] addr) {
            if (addr.length != network.length) {
                return false;
            }
            int bits = addr.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .shiftRight(prefix).not().and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
            return new BigInteger(1, addr).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
