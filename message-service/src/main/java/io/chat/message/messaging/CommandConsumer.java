package io.chat.message.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.message.service.Caller;
import io.chat.message.service.ChatException;
import io.chat.message.service.MessageChanges;
import io.chat.message.service.MessageService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;

/**
 * Handles client commands from chat.commands. Records of one room share a partition and are
 * handled one after another, so a room's commands keep their order. The offset is committed after
 * the command's transaction, and a redelivered command is answered from what was stored
 * (idempotency by clientMsgId), so redelivery changes nothing.
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

    @Incoming("chat-commands")
    public Uni<Void> onCommand(String value) {
        Envelope envelope;
        ChatCommand command;
        try {
            envelope = json.readValue(value, Envelope.class);
            command = json.treeToValue(envelope.payload(), ChatCommand.class);
        } catch (Exception e) {
            LOG.warnf("skipping malformed record on chat.commands: %s", e.getClass().getSimpleName());
            return Uni.createFrom().voidItem();
        }
        if (command == null || command.userId() == null || command.origin() == null) {
            LOG.warn("skipping command without sender or origin");
            return Uni.createFrom().voidItem();
        }
        Caller caller = new Caller(command.userId(), command.groups() == null ? Set.of() : Set.copyOf(command.groups()));
        registry.counter("chat_commands_total", "type", known(envelope.type())).increment();
        return Uni.createFrom().deferred(() -> handle(envelope.type(), caller, command))
                // the database or Kafka is unreachable (a restart, a failover): keep this partition waiting and
                // retry, so its commands are handled in order once it is back; the offset is not committed meanwhile
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

    private Uni<Void> handle(String type, Caller caller, ChatCommand c) {
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
