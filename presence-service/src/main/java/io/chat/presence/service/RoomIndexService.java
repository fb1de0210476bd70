package io.chat.presence.service;

import io.chat.contracts.Member;
import io.chat.contracts.RoomChanged;
import io.chat.presence.config.PresenceConfig;
import io.chat.presence.messaging.PresenceEventPublisher;
import io.chat.presence.repository.PresenceChange;
import io.chat.presence.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Objects;

/**
 * Which users share a room (the privacy rule of GET /api/presence), kept from the full member lists
 * of chat.events, and the erasure of a deleted user.
 */
@ApplicationScoped
public class RoomIndexService {
    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final PresenceConfig config;

    public RoomIndexService(PresenceStore store, PresenceEventPublisher publisher, PresenceConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
    }

    /** Replaces the room's members by the list carried by the event (idempotent under redelivery). */
    public Uni<Void> onRoomChanged(RoomChanged room) {
        if (room.room() == null || room.members() == null) {
            return Uni.createFrom().voidItem();
        }
        List<String> members = room.members().stream().map(Member::userId).filter(Objects::nonNull).distinct().toList();
        return store.setRoomMembers(room.room(), members);
    }

    /** user.deleted: everything about the user goes; rooms that showed them online are told offline. */
    public Uni<Void> onUserDeleted(String userId) {
        return store.erase(userId, config.deletedTombstone().toMillis())
                .flatMap(wasShown -> wasShown
                        ? Uni.createFrom().completionStage(publisher.presenceChanged(new PresenceChange(userId, "offline", null, null)))
                        : Uni.createFrom().voidItem());
    }
}
