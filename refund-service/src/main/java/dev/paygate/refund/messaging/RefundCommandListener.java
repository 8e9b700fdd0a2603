package dev.paygate.refund.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.command.RefundCommand;
import dev.paygate.contracts.command.ReverseRefund;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.RefundCommands;
import dev.paygate.refund.bank.RefundExecution;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.messaging.DecodedBatch;
import dev.paygate.support.observability.Traces;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.Outbox;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@link Topics#REFUND_COMMANDS}, keyed by payment: one payment's refunds are applied one at a time, in
 * order. A poll's commands share one transaction (inbox, balances, pending refunds, outbox); the bank is asked after
 * it commits, many refunds at once, one payment's in order.
 */
@Component
class RefundCommandListener {

    static final String CONSUMER = "refund-service";

    private final InboxProcessor inbox;
    private final RefundCommands refunds;
    private final RefundExecution execution;
    private final PaygateProperties properties;

    public RefundCommandListener(
            InboxProcessor inbox, RefundCommands refunds, RefundExecution execution, PaygateProperties properties) {
        this.inbox = inbox;
        this.refunds = refunds;
        this.execution = execution;
        this.properties = properties;
    }

    /**
     * A poll's commands in one transaction, in order (so one payment's refunds stay in order), with a statement per
     * table rather than per command: one commit for the lot. A command that doesn't decode is passed by the error handler (named by its index); anything else fails
     * the lot, which is redelivered and finds what was applied in the inbox.
     */
    @KafkaListener(
            id = "refund-commands",
            topics = Topics.REFUND_COMMANDS,
            groupId = CONSUMER,
            concurrency = "${paygate.kafka.concurrency:3}",
            batch = "true",
            properties = "max.poll.records=${paygate.kafka.batch-size:100}")
    public void onCommands(List<ConsumerRecord<String, byte[]>> records) {
        DecodedBatch<RefundCommand> batch = DecodedBatch.decode(
                records, r -> PaygateJson.wire().readValue(r.value(), RefundCommand.class), "refund command");
        List<RefundCommand> commands = batch.values();
        // a batch has no current trace: each command's refund and reply go on in the trace its record carries
        java.util.Map<RefundCommand, String> traces = new java.util.IdentityHashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            traces.put(commands.get(i), Traces.traceparent(batch.records().get(i)));
        }
        // Kafka's own thread, not an event loop: waiting (bounded) commits the offsets only after the commit
        if (!commands.isEmpty()) {
            java.time.Duration timeout = properties.getKafka().getCommandTimeout();
            List<CreateRefund> creates = commands.stream()
                    .filter(CreateRefund.class::isInstance)
                    .map(CreateRefund.class::cast)
                    .toList();
            // payments not known as refundable yet are asked about first, outside the poll's transaction
            refunds.learnUnknown(creates).block(timeout);
            if (creates.size() == commands.size()) {
                // the usual poll: all new refunds, decided and written together
                inbox.applyTracedBatchOnce(
                                CONSUMER,
                                creates,
                                CreateRefund::commandId,
                                fresh -> refunds.createAll(fresh, traces::get))
                        .block(timeout);
            } else {
                // a reversal among them (rare): one command after another, in order, still one transaction
                inbox.applyAllOnce(
                                CONSUMER,
                                commands,
                                RefundCommand::commandId,
                                traces::get,
                                command -> command instanceof ReverseRefund reverse
                                        ? refunds.reverse(reverse)
                                        : refunds.createAll(List.of((CreateRefund) command), c -> null)
                                                .map(made -> made.stream()
                                                        .map(Outbox.Traced::message)
                                                        .toList()))
                        .block(timeout);
            }
            // the refunds committed now are with the bank: a bank slower than the stream holds this consumer back
            execution.awaitRoom(timeout);
        }
        // the commands before it are applied; the error handler passes a bad one and redelivers the rest
        batch.passUndecodable();
    }
}
