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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Handles client commands from chat.commands. Records of one room share a partition; a poll's records
 * arrive as one batch, which is split into one lane per room, and each lane into segments: a run of
 * plain sends (see {@link MessageService#plain}) or a single other command. The batch is handled in
 * rounds: round k takes the k-th segment of every lane, stores all its plain sends in one transaction
 * ({@link MessageService#sendAll}) and handles its other commands concurrently (up to
 * {@code chat.messages.command-concurrency}). A room's commands so keep their order, and under load the
 * sends of a whole poll cost one transaction instead of one each. The price: a round waits for its slowest
 * command (one retrying a database outage holds the next round of every room), and a batch that fails or
 * holds a send the batch does not handle (staff joining a support room) is handled one by one as a whole.
 * The batch's offsets are committed after every round finished, and a redelivered command is answered
 * from what was stored (idempotency by clientMsgId), so redelivery changes nothing. (A commit whose outcome
 * is unknown, a connection lost during it, is retried the same way: the command may then be answered twice,
 * the second time as a repeat; the gateway passes on only the first answer.)
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    /** How long a command waits for the database to come back before it is answered 'unavailable'. */
    static final Duration RETRY_FOR = Duration.ofMinutes(2);
    private static final Pattern KNOWN = Pattern.compile("[a-z.]{1,32}");
    /** One counter per command type, looked up once rather than per command. */
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();

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

    private Timer batchTime;

    @PostConstruct
    void init() {
        batchTime = Timer.builder("chat_command_batch_duration").description("a poll of chat.commands, first read to last answer")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
    }

    @Incoming("chat-commands")
    public Uni<Void> onCommands(List<String> values) {
        long started = System.nanoTime();
        return rounds(values).invoke(() -> batchTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private Uni<Void> rounds(List<String> values) {
        Map<String, List<List<Parsed>>> lanes = new LinkedHashMap<>();
        int rounds = 0;
        for (String value : values) {
            Parsed parsed = parse(value);
            if (parsed == null) {
                continue;
            }
            commands.computeIfAbsent(known(parsed.envelope.type()), t -> registry.counter("chat_commands_total", "type", t))
                    .increment();
            List<List<Parsed>> segments = lanes.computeIfAbsent(parsed.command.room() == null ? "" : parsed.command.room(),
                    k -> new ArrayList<>(2));
            List<Parsed> last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (parsed.plain != null && last != null && last.get(0).plain != null) {
                last.add(parsed);
            } else {
                segments.add(new ArrayList<>(List.of(parsed)));
                rounds = Math.max(rounds, segments.size());
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int k = 0; k < rounds; k++) {
            List<Parsed> sends = new ArrayList<>();
            List<Parsed> others = new ArrayList<>();
            for (List<List<Parsed>> segments : lanes.values()) {
                if (k < segments.size()) {
                    List<Parsed> segment = segments.get(k);
                    (segment.get(0).plain != null ? sends : others).addAll(segment);
                }
            }
            chain = chain.flatMap(x -> round(sends, others));
        }
        return chain;
    }

    private record Parsed(Envelope envelope, ChatCommand command, MessageService.PlainSend plain) {
    }

    /** One round: its plain sends in one transaction, beside its other commands (at most one per room). */
    private Uni<Void> round(List<Parsed> sends, List<Parsed> others) {
        Uni<Void> batch = sends.isEmpty() ? Uni.createFrom().voidItem()
                : sends.size() == 1 ? handle(sends.get(0)) : sendBatch(sends);
        if (others.isEmpty()) {
            return batch;
        }
        Uni<Void> rest = others.size() == 1 ? handle(others.get(0))
                : Multi.createFrom().iterable(others).onItem().transformToUni(this::handle).merge(config.commandConcurrency())
                        .collect().last().replaceWithVoid();
        return Uni.combine().all().unis(batch, rest).discardItems();
    }

    private Uni<Void> sendBatch(List<Parsed> sends) {
        List<MessageService.PlainSend> plain = new ArrayList<>(sends.size());
        sends.forEach(p -> plain.add(p.plain));
        registry.summary("chat_send_batch_size").record(plain.size());
        return messages.sendAll(plain).onFailure().recoverWithUni(e -> {
            // nothing of the batch was stored: handle its sends one by one (room by room, in order), with retries
            registry.counter("chat_send_batch_fallbacks_total").increment();
            if (!(e instanceof MessageService.NotBatchable)) {
                LOG.warnf("a batch of %d sends failed, handling them one by one: %s", plain.size(), e.toString());
            }
            Map<String, List<Parsed>> byRoom = new LinkedHashMap<>();
            sends.forEach(p -> byRoom.computeIfAbsent(p.command.room(), k -> new ArrayList<>()).add(p));
            return Multi.createFrom().iterable(byRoom.values()).onItem().transformToUni(this::lane)
                    .merge(config.commandConcurrency()).collect().last().replaceWithVoid();
        });
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
        MessageService.PlainSend plain = EventTypes.MESSAGE_SEND.equals(envelope.type())
                ? messages.plain(caller(command), command.room(), command.clientMsgId(), command.text(), command.replyTo(),
                        command.threadRoot(), command.origin())
                : null;
        return new Parsed(envelope, command, plain);
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
        Caller caller = caller(command);
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

    private static Caller caller(ChatCommand command) {
        return new Caller(command.userId(), command.groups() == null ? Set.of() : Set.copyOf(command.groups()));
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
        return type != null && KNOWN.matcher(type).matches() ? type : "other";
    }
}
