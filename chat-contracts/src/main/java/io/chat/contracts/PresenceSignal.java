package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * From a gateway about its sockets. {@code sessionIds} lists every socket a gateway holds in a
 * heartbeat (leases are renewed in bulk); {@code status}/{@code text} come with status.set,
 * {@code room}/{@code state} with typing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PresenceSignal(String userId, String gatewayId, String sessionId, List<String> sessionIds,
        String status, String text, String room, String state) {
}
