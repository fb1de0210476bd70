package io.chat.gateway.ws;

import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.WebSocketBase;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames are written to the Vert.x socket directly; only a connection that is not WebSockets Next's own falls back. */
class SenderTest {

    @Test
    void theSocketOfAWebSocketsNextConnectionIsReachable() throws Exception {
        assertNotNull(Sender.SOCKET, "WebSocketConnectionBase.webSocket() is gone: frames would go through sendText");
        assertEquals(MethodType.methodType(WebSocketBase.class, WebSocketConnectionBase.class), Sender.SOCKET.type());
        Class<?> server = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl");
        assertTrue(WebSocketConnectionBase.class.isAssignableFrom(server), "the server's connections are WebSocketConnectionBase");
    }

    @Test
    void anyOtherConnectionGetsItsFramesThroughSendText() {
        List<String> sent = new ArrayList<>();
        WebSocketConnection connection = (WebSocketConnection) Proxy.newProxyInstance(SenderTest.class.getClassLoader(),
                new Class<?>[]{WebSocketConnection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args[0] instanceof String text) {
                        sent.add(text);
                        return Uni.createFrom().voidItem();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertNull(Sender.socket(connection));
        Sender.write(connection, "{\"type\":\"pong\"}");
        assertEquals(List.of("{\"type\":\"pong\"}"), sent);
    }
}
