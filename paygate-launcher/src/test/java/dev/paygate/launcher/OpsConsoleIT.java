package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The ops console in headless Chromium on the whole stack, as an operator uses it: log in with the token, watch a
 * refund's state change arrive live (and its type's count go up), see a failing endpoint's delivery land in the
 * dead-letter queue, fix the receiver, press Retry, and see the delivery succeed and the webhook arrive.
 */
class OpsConsoleIT {

    static final Duration WITHIN = Duration.ofSeconds(40);

    static Http api;
    static WebhookReceiver receiver;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        api = new Http(TestStack.newMerchantKey("Ops console shop"));
        receiver = WebhookReceiver.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        receiver.close();
    }

    static String payment(long amount) {
        return api.ok(
                        "/api2/payments",
                        "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": "
                                + "\"automatic\", \"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": "
                                + "\"4111111111111111\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": "
                                + "\"T\"}}}")
                .get("id")
                .asString();
    }

    WebDriver driver() {
        return browser.driver();
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver(), WITHIN);
    }

    void logIn() {
        driver().get(TestStack.gatewayUrl() + "/console");
        WebElement token = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        token.sendKeys(TestStack.ADMIN_TOKEN + "-wrong", Keys.ENTER);
        waiting().until(ExpectedConditions.textToBe(By.id("login-error"), "That token is not valid."));
        assertThat(driver().findElement(By.id("dashboard")).isDisplayed()).isFalse();

        driver().findElement(By.id("token")).sendKeys(TestStack.ADMIN_TOKEN, Keys.ENTER);
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard")));
        // live: the stream is open and this gateway's consumer has its partitions
        waiting().until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-live", "true"));
    }

    long countShown(String type) {
        List<WebElement> cells = driver().findElements(By.cssSelector("#counts tr[data-type='" + type + "'] td.count"));
        return cells.isEmpty() ? 0 : Long.parseLong(cells.get(0).getText());
    }

    @Test
    void anOperatorWatchesARefundLiveAndRetriesADeadLetter() {
        logIn();
        waiting().until(d -> !d.findElement(By.id("counts-total")).getText().isEmpty());
        long refundCountBefore = countShown("refund.updated");

        // the merchant's endpoint is down: every attempt answers 500
        receiver.answerAll(500);
        String endpoint = api.ok(
                        "/api2/webhook-endpoints",
                        "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"refund.updated\"]}")
                .get("id")
                .asString();
        String paymentId = payment(4200);
        String refundId = api.ok("/api2/refunds", "{\"paymentId\": \"" + paymentId + "\", \"amount\": 1500}")
                .get("id")
                .asString();

        // the refund's state change shows up live, and its type's count goes up
        WebElement row = waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#events tr[data-type='refund.updated'][data-resource-id='" + refundId + "']")));
        assertThat(row.getText()).contains("15.00 EUR");
        waiting().until(d -> countShown("refund.updated") > refundCountBefore);

        // its deliveries fail every attempt (schedule 0 s, 1 s, 2 s) and are dead-lettered
        String deliveryId = await().atMost(WITHIN).until(() -> failedDelivery(endpoint), id -> id != null);
        WebElement letter = waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#dead-letters tr[data-delivery-id='" + deliveryId + "']")));
        assertThat(letter.getText()).contains("refund.updated").contains("500");
        waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#failing-endpoints tr[data-endpoint-id='" + endpoint + "']")));
        browser.screenshot("ops-console-dead-letter");
        driver().manage().window().setSize(new Dimension(1000, 700));
        browser.screenshot("ops-console");
        driver().manage().window().setSize(new Dimension(1280, 900));
        String eventId = deliveryView(deliveryId).get("eventId").asString();
        long attemptsSoFar = received(eventId);
        assertThat(attemptsSoFar).isGreaterThanOrEqualTo(3);

        // fixed: the receiver answers 200 again; the operator presses Retry
        receiver.answerAll(200);
        driver().findElement(By.cssSelector("#dead-letters tr[data-delivery-id='" + deliveryId + "'] button.retry"))
                .click();

        waiting()
                .until(ExpectedConditions.textMatches(
                        By.id("retry-message"), java.util.regex.Pattern.compile(".*" + deliveryId + ".*")));
        waiting()
                .until(ExpectedConditions.numberOfElementsToBe(
                        By.cssSelector("#dead-letters tr[data-delivery-id='" + deliveryId + "']"), 0));
        await().atMost(WITHIN)
                .until(() -> "succeeded"
                        .equals(deliveryView(deliveryId).get("status").asString()));
        assertThat(received(eventId)).isEqualTo(attemptsSoFar + 1);
        WebhookReceiver.Received last = receiver.received().stream()
                .filter(r -> eventId.equals(r.header("webhook-id")))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(PaygateJson.wire()
                        .readTree(last.body())
                        .get("data")
                        .get("object")
                        .get("id")
                        .asString())
                .isEqualTo(refundId);
        browser.screenshot("ops-console-retried");
    }

    long received(String eventId) {
        return receiver.received().stream()
                .filter(r -> eventId.equals(r.header("webhook-id")))
                .count();
    }

    JsonNode deliveryView(String deliveryId) {
        return api.get("/api2/webhook-deliveries/" + deliveryId).body();
    }

    /** The oldest dead-lettered delivery of the endpoint, by the merchant's own API; null while there is none. */
    String failedDelivery(String endpoint) {
        JsonNode list = api.get("/api2/webhook-endpoints/" + endpoint + "/deliveries?status=failed")
                .body();
        List<JsonNode> failed =
                StreamSupport.stream(list.get("data").spliterator(), false).toList();
        return failed.isEmpty() ? null : failed.get(failed.size() - 1).get("id").asString();
    }
}
