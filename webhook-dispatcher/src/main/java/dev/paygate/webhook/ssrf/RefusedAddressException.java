package dev.paygate.webhook.ssrf;

/** A webhook URL that leads to an address the SSRF guard refuses; the message goes into the attempt log. */
class RefusedAddressException extends java.net.UnknownHostException {

    public RefusedAddressException(String message) {
        super(message);
    }
}
