package dev.paygate.support.outbox;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.RefundCommand;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * One record to publish, stored in the outbox first.
 *
 * @param aggregateType what changed ({@code session}, {@code payment}, {@code refund}, {@code reply})
 * @param aggregateId   its id
 * @param type          the logical message type, e.g. {@code session.expired}
 * @param headers       Kafka headers, as text
 */
public record OutboxMessage(
        String aggregateType,
        String aggregateId,
        String type,
        String topic,
        String key,
        Map<String, String> headers,
        String payload) {

    public OutboxMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(headers);
    }

    /** A state change on {@code topic}, as a CloudEvent in binary mode. */
    public static OutboxMessage event(String topic, String aggregateType, StateChange change) {
        return new OutboxMessage(
                aggregateType,
                change.subject(),
                change.type().wireName(),
                topic,
                change.key(),
                CloudEventsKafka.headers(change),
                change.data());
    }

    /**
     * A command for another service, sent by this one as part of a change (payment-service asks refund-service for
     * the refund a secupay cancel makes): it is published only if the change commits.
     */
    public static OutboxMessage command(RefundCommand command) {
        return new OutboxMessage(
                "command",
                command.commandId(),
                "command",
                Topics.REFUND_COMMANDS,
                command.key(),
                Map.of(Topics.COMMAND_ID_HEADER, command.commandId()),
                PaygateJson.wire().writeValueAsString(command));
    }

    /**
     * A command's outcome for the gateway, correlated by the command id (the gateway's
     * {@code ReplyingKafkaTemplate} uses the command id as its correlation id).
     */
    public static OutboxMessage reply(String key, CommandReply reply) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(KafkaHeaders.CORRELATION_ID, reply.commandId());
        headers.put(Topics.COMMAND_ID_HEADER, reply.commandId());
        return new OutboxMessage(
                "reply",
                reply.commandId(),
                "command.reply",
                Topics.COMMAND_REPLIES,
                key,
                headers,
                PaygateJson.wire().writeValueAsString(reply));
    }

    /**
     * Whether these messages are nothing but a failure reply that invites a retry (status 5xx): the command changed
     * nothing, and the same command may run again later.
     */
    public static boolean onlyRetryableFailure(List<OutboxMessage> messages) {
        return !messages.isEmpty()
                && messages.stream()
                        .allMatch(m -> "reply".equals(m.aggregateType())
                                && PaygateJson.wire()
                                                .readTree(m.payload())
                                                .path("status")
                                                .asInt(0)
                                        >= 500);
    }
}
