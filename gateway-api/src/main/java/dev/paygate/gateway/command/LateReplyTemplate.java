package dev.paygate.gateway.command;

import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.GenericMessageListenerContainer;
import org.springframework.kafka.requestreply.CorrelationKey;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/**
 * A {@link ReplyingKafkaTemplate} that hands replies nobody waits for any more to {@link LateReplyListener}s
 * instead of only logging them. {@code logLateArrival} is the template's one hook for a reply whose correlation id
 * has no pending future: a reply to another instance's command, or one that came after the reply timeout. Using
 * it keeps a single consumer on the reply topic rather than a second one reading every reply again.
 */
class LateReplyTemplate extends ReplyingKafkaTemplate<String, byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(LateReplyTemplate.class);

    private final List<LateReplyListener> listeners;

    public LateReplyTemplate(
            ProducerFactory<String, byte[]> producerFactory,
            GenericMessageListenerContainer<String, byte[]> replyContainer,
            List<LateReplyListener> listeners) {
        super(producerFactory, replyContainer);
        this.listeners = List.copyOf(listeners);
    }

    @Override
    protected void logLateArrival(ConsumerRecord<String, byte[]> record, Object correlationId) {
        super.logLateArrival(record, correlationId);
        if (listeners.isEmpty() || correlationId == null) {
            return;
        }
        String commandId = correlationId instanceof CorrelationKey key
                ? new String(key.getCorrelationId(), StandardCharsets.UTF_8)
                : correlationId.toString();
        for (LateReplyListener listener : listeners) {
            // this runs on the reply consumer's thread: an exception here would stall every reply behind it
            try {
                if (listener.awaits(commandId)) {
                    listener.onLateReply(PaygateJson.wire().readValue(record.value(), CommandReply.class));
                }
            } catch (RuntimeException e) {
                log.warn("late reply to command {} could not be handled: {}", commandId, e.toString());
            }
        }
    }
}
