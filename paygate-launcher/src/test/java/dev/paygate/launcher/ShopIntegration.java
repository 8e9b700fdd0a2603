package dev.paygate.launcher;

import dev.paygate.client.PaygateClient;
import dev.paygate.client.model.CardInputJson;
import dev.paygate.client.model.CreatePaymentRequest;
import dev.paygate.client.model.CreateRefundRequest;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.PaymentMethodInput;
import dev.paygate.client.model.Refund;
import dev.paygate.client.webhooks.PaygateEvent.RefundEvent;
import dev.paygate.client.webhooks.WebhookInbox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

// spotless:off — laid out by hand to be read in docs/client.md
/** A merchant's whole integration: take a payment, refund part of it, and receive the webhook that says so. */
class ShopIntegration {
    final List<Refund> refundsDone = new CopyOnWriteArrayList<>(); // your bookkeeping
    final PaygateClient paygate;
    final WebhookInbox inbox;

    ShopIntegration(String paygateUrl, String apiKey, String webhookSecret) {
        paygate = PaygateClient.create(paygateUrl, apiKey);
        inbox = WebhookInbox.inMemory(webhookSecret);
    }

    Refund sellAndRefund() {
        CardInputJson card = new CardInputJson().number("4111111111111111").cvc("123").expiryMonth(12).expiryYear(2030);
        Payment payment = paygate.payments().create(new CreatePaymentRequest().amount(1500L).currency("EUR")
                .confirm(true).paymentMethod(new PaymentMethodInput().type("card").card(card))).await();
        return paygate.refunds().create(new CreateRefundRequest().paymentId(payment.getId()).amount(500L)).await();
    }

    /** Your webhook endpoint: hand over the headers and the raw body, answer the status. */
    int onWebhook(Function<String, String> header, String rawBody) {
        return inbox.receive(header, rawBody, event -> {
            if (event instanceof RefundEvent e && "succeeded".equals(e.refund().getStatus())) refundsDone.add(e.refund());
        }).httpStatus();
    }
}
// spotless:on
