package dev.paygate.refund.bank;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.OutboxMessage;
import org.springframework.stereotype.Component;

/** {@code refund.updated}, once for every status a refund takes, keyed by its payment. */
@Component
public class RefundEvents {

    private final String source;

    public RefundEvents(PaygateProperties properties) {
        this.source = "/paygate/" + properties.getServiceName();
    }

    public OutboxMessage updated(StoredRefund refund) {
        return OutboxMessage.event(
                Topics.REFUND_EVENTS,
                "refund",
                new StateChange(
                        Ids.EVENT.next(),
                        EventType.REFUND_UPDATED,
                        source,
                        refund.updated(),
                        refund.id(),
                        refund.merchantId(),
                        refund.paymentId(),
                        PaygateJson.wire().writeValueAsString(refund.toResource())));
    }
}
