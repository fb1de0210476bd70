package io.chat.auth.rest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientAddressTest {
    final ClientAddress resolver = new ClientAddress(List.of("127.0.0.1", "::1", "10.42.0.0/16"));

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() {
        assertEquals("198.51.100.7", resolver.resolve("127.0.0.1", "198.51.100.7, 10.0.0.1"));
        assertEquals("198.51.100.7", resolver.resolve("10.42.3.4", "198.51.100.7"));
        assertEquals("2001:db8::1", resolver.resolve("0:0:0:0:0:0:0:1", "2001:db8::1"));
        // an untrusted peer cannot choose its address
        assertEquals("203.0.113.5", resolver.resolve("203.0.113.5", "198.51.100.7"));
        assertEquals("10.43.0.1", resolver.resolve("10.43.0.1", "198.51.100.7"));
        // garbage in the header falls back to the peer, and never causes a DNS lookup
        assertEquals("127.0.0.1", resolver.resolve("127.0.0.1", "evil.example.org"));
        assertEquals("127.0.0.1", resolver.resolve("127.0.0.1", null));
    }
}
