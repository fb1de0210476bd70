package io.chat.message.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.message.config.MessageConfig;
import io.chat.message.service.Caller;
import io.chat.message.service.ChatException;
import io.chat.message.service.MessageChanges;
import io.chat.message.service.MessageService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Handles client commands from chat.commands. Records of one room share a partition; a poll's records
 * arrive as one batch, which is split into one lane per room: a lane handles its room's commands one
 * after another (a room's commands keep their order), lanes of different rooms run concurrently (up to
 * {@code chat.messages.command-concurrency}), so rooms do not wait for each other's transactions.
 * The batch's offsets are committed after every lane finished, and a redelivered command is answered
 * from what was stored (idempotency by clientMsgId), so redelivery changes nothing.
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    /** How long a command waits for the database to come back before it is answered 'unavailable'. */
    static final Duration RETRY_FOR = Duration.ofMinutes(2);

    @Inject
    ObjectMapper json;
    @Inject
    MessageService messages;
    @Inject
    MessageChanges changes;
    @Inject
    MeterRegistry registry;

    @Inject
    MessageConfig config;

    @Incoming("chat-commands")
    public Uni<Void> onCommands(List<String> values) {
        Map<String, List<Parsed>> lanes = new LinkedHashMap<>();
        for (String value : values) {
            Parsed parsed = parse(value);
            if (parsed != null) {
                lanes.computeIfAbsent(parsed.command.room() == null ? "" : parsed.command.room(),
                        k -> new ArrayList<>(4)).add(parsed);
            }
        }
        if (lanes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (lanes.size() == 1) {
            return lane(lanes.values().iterator().next());
        }
        return Multi.createFrom().iterable(lanes.values())
                .onItem().transformToUni(this::lane).merge(config.commandConcurrency())
                .collect().last().replaceWithVoid();
    }

    private record Parsed(Envelope envelope, ChatCommand command) {
    }

    private Parsed parse(String value) {
        Envelope envelope;
        ChatCommand command;
        try {
            envelope = json.readValue(value, Envelope.class);
            command = json.treeToValue(envelope.payload(), ChatCommand.class);
        } catch (Exception e) {
            LOG.warnf("skipping malformed record on chat.commands: %s", e.getClass().getSimpleName());
            return null;
        }
        if (command == null || command.userId() == null || command.origin() == null) {
            LOG.warn("skipping command without sender or origin");
            return null;
        }
        return new Parsed(envelope, command);
    }

    private Uni<Void> lane(List<Parsed> commands) {
        if (commands.size() == 1) {
            return handle(commands.get(0));
        }
        return Multi.createFrom().iterable(commands).onItem().transformToUniAndConcatenate(this::handle)
                .collect().last().replaceWithVoid();
    }

    /** Handles one command; never fails, so one bad command cannot stop its lane or the channel. */
    Uni<Void> handle(Parsed parsed) {
        Envelope envelope = parsed.envelope;
        ChatCommand command = parsed.command;
        Caller caller = new Caller(command.userId(), command.groups() == null ? Set.of() : Set.copyOf(command.groups()));
        registry.counter("chat_commands_total", "type", known(envelope.type())).increment();
        return Uni.createFrom().deferred(() -> dispatch(envelope.type(), caller, command))
                // the database or Kafka is unreachable (a restart, a failover): keep this room's lane (and so the batch) waiting
                // and retry, so its commands are handled in order once it is back; the offset is not committed meanwhile
                .onFailure(e -> !(e instanceof ChatException)).invoke(e -> LOG.warnf("%s command for room %s failed, retrying: %s",
                        known(envelope.type()), command.room(), e.toString()))
                .onFailure(e -> !(e instanceof ChatException)).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).expireIn(RETRY_FOR.toMillis())
                .onFailure().recoverWithUni(e -> {
                    ChatException error = e instanceof ChatException ce ? ce
                            : new ChatException(ErrorCodes.UNAVAILABLE, "the message store is unavailable, try again");
                    if (!(e instanceof ChatException)) {
                        LOG.error("command failed after retrying for " + RETRY_FOR, e);
                    }
                    // answering needs the database too; if that fails the channel must still live on: the client
                    // has been told 'unavailable' by its gateway's timeout and resends with the same clientMsgId
                    return messages.fail(command.room(), command.origin(), error.code, error.getMessage())
                            .onFailure().recoverWithItem(f -> {
                                LOG.errorf("could not record the failure of a %s command: %s", known(envelope.type()), f.toString());
                                return null;
                            });
                });
    }

    private Uni<Void> dispatch(String type, Caller caller, ChatCommand c) {
        return switch (type) {
            case EventTypes.MESSAGE_SEND -> messages.send(caller, c.room(), c.clientMsgId(), c.text(), c.replyTo(),
                    c.threadRoot(), c.origin()).replaceWithVoid();
            case EventTypes.MESSAGE_EDIT -> changes.edit(caller, c.room(), c.msgId(), c.text(), c.origin()).replaceWithVoid();
            case EventTypes.MESSAGE_DELETE -> changes.delete(caller, c.room(), c.msgId(), c.origin()).replaceWithVoid();
            case EventTypes.REACTION_ADD -> changes.react(caller, c.room(), c.msgId(), c.emoji(), true, c.origin()).replaceWithVoid();
            case EventTypes.REACTION_REMOVE -> changes.react(caller, c.room(), c.msgId(), c.emoji(), false, c.origin()).replaceWithVoid();
            case EventTypes.RECEIPT_DELIVERED -> changes.receipt(caller, c.room(), c.seq(), false, c.origin()).replaceWithVoid();
            case EventTypes.RECEIPT_READ -> changes.receipt(caller, c.room(), c.seq(), true, c.origin()).replaceWithVoid();
            default -> Uni.createFrom().failure(new ChatException(ErrorCodes.UNKNOWN_TYPE,
                    "command " + type + " is not supported by this message-service version"));
        };
    }

    private static String known(String type) {
        return type != null && type.matches("[a-z.]{1,32}") ? type : "other";
    }
}
