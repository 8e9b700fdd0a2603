package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hosted payment page in headless Chromium, by keyboard alone: a payer tabs through the card form, types a
 * test card, presses Enter and lands on the shop's successUrl; the session is then completed and paid through
 * the API and its webhooks arrive. A declined card lands on failureUrl; an expired session shows that it
 * expired, without a form. A card that needs 3-D Secure gets the test-mode challenge: completing it lands on
 * successUrl, failing it on failureUrl. A session whose locale is German is shown in German. Screenshots:
 * target/screenshots/hosted-page-*.png (copied to docs/screenshots).
 */
class HostedPagePaymentIT {

    static final JsonMapper JSON = PaygateJson.wire();
    static Browser browser;
    static ShopServer shop;
    static WebhookReceiver webhooks;
    static Http api;

    /** A failed test leaves a picture of where the browser was: target/screenshots/failed-<test>.png. */
    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        TestStack.get();
        api = new Http(TestStack.newMerchantKey("hosted-page-" + System.nanoTime()));
        shop = new ShopServer();
        webhooks = WebhookReceiver.start();
        api.ok(
                "/api2/webhook-endpoints",
                "{\"url\": \"" + webhooks.url() + "\", \"enabledEvents\": "
                        + "[\"session.completed\", \"payment.created\", \"payment.succeeded\", \"payment.paymentFailed\"]}");
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        shop.close();
        webhooks.close();
    }

    static String createSession(long amount, String reference) {
        return createSession(amount, reference, "en-GB");
    }

    static String createSession(long amount, String reference, String locale) {
        return api.ok(
                        "/api2/sessions",
                        "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"locale\": \"" + locale + "\", "
                                + "\"merchantReferenceId\": \"" + reference + "\", "
                                + "\"successUrl\": \"" + shop.url("/success?order=" + reference) + "\", "
                                + "\"failureUrl\": \"" + shop.url("/failure?order=" + reference) + "\"}")
                .get("id")
                .asString();
    }

    /** Tabs into the form from the page's start and types the card, field by field, as a keyboard user would. */
    static void payByKeyboard(WebDriver driver, String number) {
        fillByKeyboard(driver, number, "123", "TEST CARDHOLDER");
    }

    /** Tabs into the form and types each field, checking that focus moved on; awaits the last value typed. */
    static void fillByKeyboard(WebDriver driver, String number, String cvc, String holderName) {
        new Actions(driver).sendKeys(Keys.TAB).perform();
        // a page just loaded may not have the keyboard yet: that Tab then lands nowhere and focus stays on the body
        // (it did once in a full build, on a busy machine); Tab from the body goes to the form's first field
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
            if (focused(d).isEmpty()) {
                new Actions(d).sendKeys(Keys.TAB).perform();
            }
            return !focused(d).isEmpty();
        });
        assertThat(focused(driver)).isEqualTo("cardNumber");
        type(driver, number + Keys.TAB);
        assertThat(focused(driver)).isEqualTo("expiryMonth");
        type(driver, "12" + Keys.TAB);
        assertThat(focused(driver)).isEqualTo("expiryYear");
        type(driver, "2030" + Keys.TAB);
        assertThat(focused(driver)).isEqualTo("cvc");
        type(driver, cvc + Keys.TAB);
        assertThat(focused(driver)).isEqualTo("holderName");
        type(driver, holderName);
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> holderName.equals(d.findElement(By.id("holderName")).getAttribute("value")));
    }

    static void type(WebDriver driver, CharSequence keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    static String focused(WebDriver driver) {
        return driver.switchTo().activeElement().getAttribute("id");
    }

    @Test
    void aPayerPaysByKeyboardLandsOnSuccessUrlAndTheWebhooksArrive() throws Exception {
        String id = createSession(4250, "order-42");
        WebDriver driver = browser.driver();
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);

        assertThat(driver.getTitle()).isEqualTo("Pay €42.50 – Paygate");
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Pay €42.50");
        assertThat(driver.findElement(By.cssSelector("dl.summary")).getText()).contains("order-42");
        WebElement number = driver.findElement(By.id("cardNumber"));
        assertThat(number.getAttribute("autocomplete")).isEqualTo("cc-number");
        assertThat(number.getAttribute("inputmode")).isEqualTo("numeric");
        assertThat(driver.findElement(By.cssSelector("label[for=cardNumber]")).getText())
                .isEqualTo("Card number");
        Path shot = browser.screenshot("hosted-page-form");
        assertThat(Files.size(shot)).isPositive();

        payByKeyboard(driver, "4111 1111 1111 1111");
        driver.manage().window().setSize(new Dimension(1000, 1000)); // the whole form in one picture (docs/screenshots)
        browser.screenshot("hosted-page-filled");
        driver.manage().window().setSize(new Dimension(1280, 900));
        assertThat(focused(driver)).isEqualTo("holderName");
        type(driver, Keys.ENTER);

        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: success"));
        assertThat(driver.getCurrentUrl()).isEqualTo(shop.url("/success?order=order-42"));
        browser.screenshot("hosted-page-success");
        // Referrer-Policy: no-referrer — the shop is not told the page's address (which holds the capability)
        assertThat(shop.visits)
                .filteredOn(v -> v.pathAndQuery().equals("/success?order=order-42"))
                .singleElement()
                .satisfies(v -> assertThat(v.referer()).isNull());

        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("status").asString()).isEqualTo("completed");
        assertThat(session.get("paymentStatus").asString()).isEqualTo("paid");
        String paymentId = session.get("paymentId").asString();
        JsonNode payment = api.get("/api2/payments/" + paymentId).body();
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("amount").asLong()).isEqualTo(4250);
        assertThat(payment.get("paymentMethod").get("card").get("maskedNumber").asString())
                .isEqualTo("411111**1111");
        assertThat(payment.get("paymentMethod").get("card").get("holderName").asString())
                .isEqualTo("TEST CARDHOLDER");

        // paying a session emits payment.created, payment.succeeded (automatic capture) and session.completed
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(webhookTypesFor(id, paymentId))
                        .containsExactlyInAnyOrder("payment.created", "payment.succeeded", "session.completed"));
        JsonNode completed = webhooks.received().stream()
                .map(r -> JSON.readTree(r.body()))
                .filter(b -> b.get("type").asString().equals("session.completed")
                        && b.get("data").get("object").get("id").asString().equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(completed.get("data").get("object").get("paymentId").asString())
                .isEqualTo(paymentId);

        // the page now says it is paid, without a form
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("This payment is complete");
        assertThat(driver.findElements(By.tagName("form"))).isEmpty();
        browser.screenshot("hosted-page-paid");
    }

    @Test
    void aDeclinedCardLandsOnFailureUrlAndTheSessionStaysOpen() {
        String id = createSession(1999, "order-7");
        WebDriver driver = browser.driver();
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);
        payByKeyboard(driver, "4000000000000002");
        type(driver, Keys.ENTER);

        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: failure"));
        assertThat(driver.getCurrentUrl()).isEqualTo(shop.url("/failure?order=order-7"));
        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("status").asString()).isEqualTo("open");
        assertThat(session.get("paymentStatus").asString()).isEqualTo("unpaid");
    }

    @Test
    void aMistakeIsShownInAnErrorSummaryLinkedToTheFieldAndTheNumberIsNotShownAgain() {
        String id = createSession(500, "order-9");
        WebDriver driver = browser.driver();
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);
        fillByKeyboard(driver, "4111111111111112", "12", "A. Payer"); // fails the Luhn check; a two-digit CVC
        type(driver, Keys.ENTER);

        WebElement summary = new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        browser.screenshot("hosted-page-errors");
        assertThat(summary.getText()).contains("There is a problem", "security code");
        WebElement cvcLink = summary.findElement(By.cssSelector("a[href='#cvc']"));
        assertThat(driver.findElement(By.id("cvc")).getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(driver.findElement(By.id("cvc")).getAttribute("aria-describedby"))
                .contains("cvc-error");
        assertThat(driver.findElement(By.id("cardNumber")).getAttribute("value"))
                .isEmpty();
        assertThat(driver.findElement(By.id("cvc")).getAttribute("value")).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain("4111111111111112");
        assertThat(driver.findElement(By.id("holderName")).getAttribute("value"))
                .isEqualTo("A. Payer");
        assertThat(driver.findElement(By.id("expiryYear")).getAttribute("value"))
                .isEqualTo("2030");

        // the summary's link takes a keyboard user to the field
        cvcLink.sendKeys(Keys.ENTER);
        assertThat(focused(driver)).isEqualTo("cvc");
    }

    @Test
    void anExpiredSessionSaysSoAndHasNoForm() {
        String id = createSession(1200, "order-expired");
        api.ok("/api2/sessions/" + id + "/expire", null);
        WebDriver driver = browser.driver();
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);

        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("This payment page has expired");
        assertThat(driver.findElement(By.cssSelector("[role=status]")).getText())
                .contains("expired");
        assertThat(driver.findElements(By.tagName("form"))).isEmpty();
        assertThat(driver.findElements(By.tagName("input"))).isEmpty();
        browser.screenshot("hosted-page-expired");
    }

    /** A screenshot for docs/screenshots: the whole page at the size of the form's picture there. */
    static void docScreenshot(WebDriver driver, String name) {
        driver.manage().window().setSize(new Dimension(1000, 1000));
        browser.screenshot(name);
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    /** Pays {@code id} by keyboard with the test card that needs 3-D Secure and awaits the challenge page. */
    static WebElement challenged(WebDriver driver, String id, String title) {
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);
        payByKeyboard(driver, "4000 0000 0000 3220");
        type(driver, Keys.ENTER);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.tagName("h1"), title));
        return driver.findElement(By.cssSelector("form[action='/pay/" + id + "/authenticate']"));
    }

    @Test
    void aCardThatNeeds3dSecureIsChallengedAndCompletingTheChallengeLandsOnSuccessUrl() {
        String id = createSession(3300, "order-3ds");
        WebDriver driver = browser.driver();
        WebElement form = challenged(driver, id, "Confirm it is you");

        assertThat(driver.getTitle()).isEqualTo("Confirm it is you – Paygate");
        assertThat(driver.findElement(By.tagName("main")).getText())
                .contains("€33.00", "3-D Secure", "400000**3220", "Test mode");
        assertThat(form.findElements(By.cssSelector("button[type=submit]")))
                .extracting(WebElement::getText)
                .containsExactly("Complete authentication", "Fail authentication");
        assertThat(driver.getPageSource()).doesNotContain("<script", "4000000000003220");
        docScreenshot(driver, "hosted-page-3ds-challenge");

        // by keyboard: the first Tab reaches "Complete authentication"
        new Actions(driver).sendKeys(Keys.TAB).perform();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
            if (d.switchTo().activeElement().getTagName().equals("body")) {
                new Actions(d).sendKeys(Keys.TAB).perform();
            }
            return d.switchTo().activeElement().getText().equals("Complete authentication");
        });
        type(driver, Keys.ENTER);

        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: success"));
        assertThat(driver.getCurrentUrl()).isEqualTo(shop.url("/success?order=order-3ds"));
        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("status").asString()).isEqualTo("completed");
        assertThat(session.get("paymentStatus").asString()).isEqualTo("paid");
        String paymentId = session.get("paymentId").asString();
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("succeeded");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(webhookTypesFor(id, paymentId))
                        .contains("payment.created", "payment.succeeded", "session.completed"));
    }

    @Test
    void failingTheChallengeLandsOnFailureUrlAndTheSessionStaysOpenForAnotherCard() {
        String id = createSession(3400, "order-3ds-fail");
        WebDriver driver = browser.driver();
        WebElement form = challenged(driver, id, "Confirm it is you");
        String paymentId = form.findElement(By.name("payment")).getAttribute("value");

        form.findElement(By.cssSelector("button[value=fail]")).click();

        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: failure"));
        assertThat(driver.getCurrentUrl()).isEqualTo(shop.url("/failure?order=order-3ds-fail"));
        JsonNode payment = api.get("/api2/payments/" + paymentId).body();
        assertThat(payment.get("status").asString()).isEqualTo("requiresPaymentMethod");
        assertThat(payment.get("lastPaymentError").get("code").asString()).isEqualTo("authentication_failed");
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("open");

        // another card pays the session
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);
        payByKeyboard(driver, "4111 1111 1111 1111");
        type(driver, Keys.ENTER);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: success"));
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("completed");
    }

    @Test
    void aGermanSessionIsShownInGermanWithGermanAmountsDatesAndMessagesAndItsChallengeToo() {
        String id = createSession(123456, "bestellung-1", "DE");
        WebDriver driver = browser.driver();
        driver.get(TestStack.gatewayUrl() + "/pay/" + id);

        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
        assertThat(driver.getTitle()).isEqualTo("1.234,56\u00a0€ bezahlen – Paygate");
        assertThat(driver.findElement(By.cssSelector("label[for=cardNumber]")).getText())
                .isEqualTo("Kartennummer");
        assertThat(driver.findElement(By.cssSelector("dl.summary")).getText()).contains("Betrag", "Referenz");
        // the expiry date as German writes it: 06.12.2026, 14:05 Uhr UTC
        assertThat(driver.findElement(By.tagName("time")).getText())
                .matches("\\d{2}\\.\\d{2}\\.\\d{4}, \\d{2}:\\d{2} Uhr UTC");
        // textContent: getText() shows the no-break space as a space
        assertThat(driver.findElement(By.cssSelector("button[type=submit]")).getAttribute("textContent"))
                .isEqualTo("1.234,56\u00a0€ bezahlen");
        docScreenshot(driver, "hosted-page-de");

        // a mistake, said in German
        fillByKeyboard(driver, "4111111111111112", "12", "Erika Mustermann");
        type(driver, Keys.ENTER);
        WebElement summary = new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(summary.getText())
                .contains(
                        "Es gibt ein Problem",
                        "Geben Sie den Sicherheitscode ein: die 3 oder 4 Ziffern auf der Karte.");
        browser.screenshot("hosted-page-de-errors");

        // the challenge in German, completed
        WebElement form = challenged(driver, id, "Bestätigen Sie, dass Sie es sind");
        assertThat(driver.findElement(By.tagName("main")).getAttribute("textContent"))
                .contains("1.234,56\u00a0€", "Testmodus");
        docScreenshot(driver, "hosted-page-3ds-challenge-de");
        form.findElement(By.cssSelector("button[value=complete]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Shop: success"));
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("completed");
    }

    private static List<String> webhookTypesFor(String sessionId, String paymentId) {
        return webhooks.received().stream()
                .map(r -> JSON.readTree(r.body()))
                .filter(b -> {
                    String objectId = b.get("data").get("object").get("id").asString();
                    return objectId.equals(sessionId) || objectId.equals(paymentId);
                })
                .map(b -> b.get("type").asString())
                .toList();
    }
}
