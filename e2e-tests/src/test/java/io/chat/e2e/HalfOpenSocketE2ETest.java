package io.chat.e2e;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that completes the handshake and then never answers the server's pings (a half-open
 * connection, as after a phone loses its network) is closed by the gateway after three silent
 * heartbeat intervals, freeing its state.
 */
class HalfOpenSocketE2ETest {

    @Test
    void aSocketThatStopsAnsweringPingsIsClosed() throws Exception {
        Chat.User user = Chat.newUser("halfopen");
        double closedBefore = SoakE2ETest.metric("chat_gateway_half_open_closed_total");
        URI ws = URI.create(Chat.WS);
        try (Socket socket = new Socket(ws.getHost(), ws.getPort())) {
            OutputStream out = socket.getOutputStream();
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            out.write(("GET /ws HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + user.accessToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), "upgraded: " + head);
            long heartbeatMs = Long.parseLong(System.getenv().getOrDefault("CHAT_HEARTBEAT_SECONDS", "10")) * 1000;
            long deadline = System.currentTimeMillis() + 3 * heartbeatMs + 15_000;
            socket.setSoTimeout(1000);
            boolean closedByServer = false;
            byte[] buffer = new byte[4096];
            // read (hello, pings) but never answer: the server must give up on us
            while (System.currentTimeMillis() < deadline && !closedByServer) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        closedByServer = true;
                    } else if (n >= 2 && (buffer[0] & 0x0F) == 0x8) {
                        closedByServer = true; // a close frame
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing this second
                }
            }
            assertTrue(closedByServer, "the gateway closed the silent socket within three heartbeats");
        }
        assertTrue(SoakE2ETest.metric("chat_gateway_half_open_closed_total") > closedBefore,
                "it was closed as half-open, not for another reason");
    }

    static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
