package dev.paygate.acquirer;

/**
 * A card as the payer typed it. Exists only in the gateway's memory for the length of one request: it is
 * tokenized at once, and {@link #toString()} never shows the number or the CVC.
 */
public record CardInput(String number, String cvc, int expiryMonth, int expiryYear, String holderName) {

    /** First six, {@code **}, last four, as the BPC API shows it (docs/api.md, "Test cards"): {@code 411111**1111}. */
    public String maskedNumber() {
        return number.substring(0, 6) + "**" + number.substring(number.length() - 4);
    }

    @Override
    public String toString() {
        return "CardInput[" + maskedNumber() + ", " + expiryMonth + "/" + expiryYear + "]";
    }
}
