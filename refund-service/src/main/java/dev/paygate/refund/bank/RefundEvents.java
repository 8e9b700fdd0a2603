package dev.paygate.refund.bank;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.StateChanges;
import org.springframework.stereotype.Component;

/** {@code refund.updated}, once for every status a refund takes, keyed by its payment. */
@Component
public class RefundEvents {

    private final StateChanges changes;

    public RefundEvents(PaygateProperties properties) {
        this.changes = new StateChanges(properties.getServiceName());
    }

    public OutboxMessage updated(StoredRefund refund) {
        return changes.announce(
                Topics.REFUND_EVENTS,
                "refund",
                EventType.REFUND_UPDATED,
                refund.updated(),
                refund.id(),
                refund.merchantId(),
                refund.paymentId(),
                refund.toResource());
    }
}
