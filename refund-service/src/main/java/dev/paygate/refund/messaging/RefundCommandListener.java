package dev.paygate.refund.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.command.RefundCommand;
import dev.paygate.contracts.command.ReverseRefund;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.RefundCommands;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.InboxProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@link Topics#REFUND_COMMANDS}, keyed by payment: one payment's refunds are applied one at a time, in
 * order, each in its own transaction (inbox, balance, refund, outbox).
 */
@Component
public class RefundCommandListener {

    static final String CONSUMER = "refund-service";

    private final InboxProcessor inbox;
    private final RefundCommands refunds;
    private final PaygateProperties properties;

    public RefundCommandListener(InboxProcessor inbox, RefundCommands refunds, PaygateProperties properties) {
        this.inbox = inbox;
        this.refunds = refunds;
        this.properties = properties;
    }

    @KafkaListener(id = "refund-commands", topics = Topics.REFUND_COMMANDS, groupId = CONSUMER,
            concurrency = "${paygate.kafka.concurrency:3}")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        RefundCommand command = PaygateJson.wire().readValue(record.value(), RefundCommand.class);
        // Kafka's own thread, not an event loop: waiting (bounded) keeps one payment's refunds in order
        inbox.applyOnce(CONSUMER, command.commandId(), () -> command instanceof ReverseRefund reverse
                        ? refunds.reverse(reverse)
                        : refunds.create((CreateRefund) command))
                .block(properties.getKafka().getCommandTimeout());
    }
}
