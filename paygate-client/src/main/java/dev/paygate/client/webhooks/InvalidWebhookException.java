package dev.paygate.client.webhooks;

/** A request that is not a genuine Paygate webhook: answer it 400 and do nothing with it. */
public final class InvalidWebhookException extends RuntimeException {

    public InvalidWebhookException(String message) {
        super(message);
    }
}
