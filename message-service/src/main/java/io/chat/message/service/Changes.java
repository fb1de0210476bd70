package io.chat.message.service;

import io.chat.contracts.CommandResult;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Origin;
import io.chat.contracts.RoomChanged;
import io.chat.message.messaging.EventOutbox;
import io.chat.message.messaging.OutboxRelay;
import io.chat.message.repository.RoomRepository;
import io.chat.message.repository.RoomRepository.Access;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs one change in one transaction: the change, its events and (for a gateway command) its
 * successful command.result all commit together, then the outbox relay is woken.
 */
@ApplicationScoped
public class Changes {
    @Inject
    Pool pool;
    @Inject
    EventOutbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    RoomRepository rooms;

    public <T> Uni<T> run(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work).invoke(relay::trigger);
    }

    /** Like {@link #run} for a command: {@code ack} (the result fields) is also the command's result when origin is set. */
    public Uni<Map<String, Object>> command(UUID room, Origin origin, Function<SqlConnection, Uni<Map<String, Object>>> work) {
        return run(conn -> work.apply(conn).flatMap(ack -> origin == null ? Uni.createFrom().item(ack)
                : outbox.add(conn, room.toString(), EventTypes.COMMAND_RESULT, CommandResult.ok(origin, ack))
                        .replaceWith(ack)));
    }

    public Uni<Void> event(SqlConnection conn, UUID room, String type, Object payload) {
        return outbox.add(conn, room.toString(), type, payload);
    }

    /** A room or membership event, always with the full member list after the change (gateways index it). */
    public Uni<Void> roomChanged(SqlConnection conn, Access access, String type, String name, String userId) {
        return rooms.members(conn, access.room()).flatMap(members -> outbox.add(conn, access.room().toString(), type,
                new RoomChanged(access.room().toString(), access.kind(), name, userId, members)));
    }
}
