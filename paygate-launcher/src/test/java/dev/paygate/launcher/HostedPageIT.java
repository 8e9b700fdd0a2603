package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The hosted payment page over plain HTTP (no browser, no API key): escaping of merchant-supplied text,
 * security headers on every answer, bad input answered by an HTML page with a 4xx (never a 500, never the card
 * echoed), unknown sessions, a second payment, a card that needs 3-D Secure (the challenge, completed, failed, or
 * answered for another session's payment).
 */
class HostedPageIT {

    static Http api;
    static WebTestClient payer;
    static ShopServer shop;

    @BeforeAll
    static void start() throws Exception {
        TestStack.get();
        api = new Http(TestStack.newMerchantKey("hosted-page-http-" + System.nanoTime()));
        // the payer's browser: no key, no version header
        payer = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(40))
                .build();
        shop = new ShopServer();
    }

    @AfterAll
    static void stop() {
        shop.close();
    }

    static String createSession(String reference) {
        return api.ok(
                        "/api2/sessions",
                        "{\"amount\": 12345, \"currency\": \"EUR\", "
                                + "\"merchantReferenceId\": " + reference + ", "
                                + "\"successUrl\": \"" + shop.url("/success") + "\", "
                                + "\"failureUrl\": \"" + shop.url("/failure") + "\"}")
                .get("id")
                .asString();
    }

    static EntityExchangeResult<String> get(String id) {
        return payer.get()
                .uri("/pay/" + id)
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    static EntityExchangeResult<String> post(String id, String form) {
        return payer.post()
                .uri("/pay/" + id)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(form)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    static String card(String number, String cvc) {
        return "cardNumber=" + number + "&expiryMonth=12&expiryYear=2030&cvc=" + cvc + "&holderName=Ada+Payer";
    }

    static void assertSecureHtml(EntityExchangeResult<String> page) {
        HttpHeaders h = page.getResponseHeaders();
        assertThat(h.getContentType()).isNotNull();
        assertThat(h.getContentType().isCompatibleWith(MediaType.TEXT_HTML))
                .as("content type")
                .isTrue();
        String csp = h.getFirst("Content-Security-Policy");
        assertThat(csp)
                .contains(
                        "default-src 'none'",
                        "style-src 'self'",
                        "frame-ancestors 'none'",
                        "base-uri 'none'",
                        "form-action 'self'")
                .doesNotContain("unsafe-inline", "script-src");
        assertThat(h.getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(h.getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(h.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(h.getCacheControl()).isEqualTo("no-store");
        assertThat(page.getResponseBody()).startsWith("<!DOCTYPE html>").doesNotContain("<script");
    }

    @Test
    void theFormIsServedWithStrictHeadersAndTheMerchantsTextEscaped() {
        String id = createSession("\"<script>alert('x')</script> & \\\"co\\\"\"");
        EntityExchangeResult<String> page = get(id);
        assertThat(page.getStatus().value()).isEqualTo(200);
        assertSecureHtml(page);
        String html = page.getResponseBody();
        assertThat(html)
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
                .doesNotContain("<script>alert");
        // the redirect after the post goes to the shop: its origin is allowed as a form target
        assertThat(page.getResponseHeaders().getFirst("Content-Security-Policy"))
                .contains("form-action 'self' " + shop.url("").replaceAll("/$", ""));
        assertThat(html)
                .contains(
                        "<html lang=\"en\">",
                        "<label for=\"cardNumber\">",
                        "autocomplete=\"cc-number\"",
                        "autocomplete=\"cc-exp-month\"",
                        "autocomplete=\"cc-exp-year\"",
                        "autocomplete=\"cc-csc\"",
                        "autocomplete=\"cc-name\"",
                        "inputmode=\"numeric\"",
                        "€123.45",
                        "action=\"/pay/" + id + "\"");
        payer.get()
                .uri("/pay/assets/hosted.css")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith("text/css");
    }

    @Test
    void unknownAndMalformedSessionIdsAnswerA404Page() {
        for (String id : new String[] {Ids.SESSION.next(), "ps_nope", "<script>"}) {
            EntityExchangeResult<String> page = payer.get()
                    .uri("/pay/{id}", id)
                    .exchange()
                    .expectBody(String.class)
                    .returnResult();
            assertThat(page.getStatus().value()).as(id).isEqualTo(404);
            assertSecureHtml(page);
            assertThat(page.getResponseBody()).contains("Payment page not found");
            assertThat(post(Ids.SESSION.next(), card("4111111111111111", "123"))
                            .getStatus()
                            .value())
                    .isEqualTo(404);
        }
    }

    @Test
    void badInputAnswers400WithTheFormAgainAndNeverEchoesTheCard() {
        String id = createSession("\"bad-input\"");
        // a number failing the Luhn check reaches the tokenizer; a bad month is caught by the form itself
        for (String form : new String[] {
            card("4111111111111112", "987"),
            "cardNumber=4111111111111111&expiryMonth=13&expiryYear=2030&cvc=987",
            "cardNumber=4111111111111111&expiryMonth=12&expiryYear=2001&cvc=987", // expired card
            "",
            "cardNumber=%zz",
            "unexpected=field"
        }) {
            EntityExchangeResult<String> page = post(id, form);
            assertThat(page.getStatus().value()).as(form).isEqualTo(400);
            assertSecureHtml(page);
            assertThat(page.getResponseBody()).as(form).doesNotContain("4111111111111111", "4111111111111112", "987");
            if (!form.contains("%zz")) {
                assertThat(page.getResponseBody())
                        .as(form)
                        .contains("role=\"alert\"", "There is a problem", "<form", "aria-invalid=\"true\"");
            }
        }
        // a body that is not a form is refused before the page (415), and nothing was paid
        payer.post()
                .uri("/pay/" + id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isEqualTo(415);
        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("status").asString()).isEqualTo("open");
    }

    @Test
    void aPaidSessionRedirectsOnceThenSaysItIsPaidAndIsNotPaidAgain() {
        String id = createSession("\"twice\"");
        EntityExchangeResult<String> paid = post(id, card("4111+1111+1111+1111", "123"));
        assertThat(paid.getStatus().value()).isEqualTo(303);
        assertThat(paid.getResponseHeaders().getLocation()).hasToString(shop.url("/success"));
        assertThat(paid.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        String paymentId =
                api.get("/api2/sessions/" + id).body().get("paymentId").asString();

        EntityExchangeResult<String> again = post(id, card("4111111111111111", "123"));
        assertThat(again.getStatus().value()).isEqualTo(409);
        assertSecureHtml(again);
        assertThat(again.getResponseBody()).contains("This payment is complete").doesNotContain("<form");
        EntityExchangeResult<String> page = get(id);
        assertThat(page.getStatus().value()).isEqualTo(200);
        assertThat(page.getResponseBody()).contains("This payment is complete").doesNotContain("<form");
        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("paymentId").asString()).isEqualTo(paymentId);
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments WHERE session_id = '" + id + "'"))
                .isEqualTo(1);
    }

    static EntityExchangeResult<String> authenticate(String id, String form) {
        return payer.post()
                .uri("/pay/" + id + "/authenticate")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(form)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    /**
     * Pays {@code id} with the card that needs 3-D Secure: the answer is a 303 to the challenge (post/redirect/get),
     * which is then fetched as the browser would.
     */
    static EntityExchangeResult<String> challenged(String id) {
        EntityExchangeResult<String> paid = post(id, card("4000000000003220", "123"));
        assertThat(paid.getStatus().value()).isEqualTo(303);
        String location = paid.getResponseHeaders().getLocation().toString();
        assertThat(location).matches("/pay/" + id + "/authenticate\\?payment=p_[1-9A-Za-z]{52}");
        return payer.get()
                .uri(location)
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    /** The payment a challenge page is for (its form's hidden field). */
    static String challengedPayment(EntityExchangeResult<String> page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"payment\" value=\"(p_[1-9A-Za-z]+)\"")
                .matcher(page.getResponseBody());
        assertThat(m.find()).as("a challenge form").isTrue();
        return m.group(1);
    }

    @Test
    void aCardThatNeeds3dSecureGetsTheChallengeAndCompletingItPaysTheSessionOnce() {
        String id = createSession("\"3ds\"");
        EntityExchangeResult<String> challenge = challenged(id);
        assertThat(challenge.getStatus().value()).isEqualTo(200);
        assertSecureHtml(challenge);
        assertThat(challenge.getResponseBody())
                .contains(
                        "Confirm it is you",
                        "<form method=\"post\" action=\"/pay/" + id + "/authenticate\">",
                        "name=\"result\" value=\"complete\"",
                        "name=\"result\" value=\"fail\"",
                        "400000**3220")
                .doesNotContain("4000000000003220");
        String paymentId = challengedPayment(challenge);
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("requiresAction");
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("open");

        EntityExchangeResult<String> done = authenticate(id, "payment=" + paymentId + "&result=complete");
        assertThat(done.getStatus().value()).isEqualTo(303);
        assertThat(done.getResponseHeaders().getLocation()).hasToString(shop.url("/success"));
        JsonNode session = api.get("/api2/sessions/" + id).body();
        assertThat(session.get("status").asString()).isEqualTo("completed");
        assertThat(session.get("paymentId").asString()).isEqualTo(paymentId);
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("succeeded");

        // reloading the challenge shows the session's state now, and a second click changes nothing
        assertThat(payer.get()
                        .uri("/pay/" + id + "/authenticate?payment=" + paymentId)
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .contains("This payment is complete")
                .doesNotContain("<form");
        EntityExchangeResult<String> again = authenticate(id, "payment=" + paymentId + "&result=complete");
        assertThat(again.getStatus().value()).isEqualTo(409);
        assertSecureHtml(again);
        assertThat(again.getResponseBody()).contains("This payment is complete");
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments WHERE session_id = '" + id + "'"))
                .isEqualTo(1);
    }

    @Test
    void failingTheChallengeGoesToFailureUrlAndTheSessionStaysOpenForAnotherCard() {
        String id = createSession("\"3ds-fail\"");
        String paymentId = challengedPayment(challenged(id));

        EntityExchangeResult<String> failed = authenticate(id, "payment=" + paymentId + "&result=fail");
        assertThat(failed.getStatus().value()).isEqualTo(303);
        assertThat(failed.getResponseHeaders().getLocation()).hasToString(shop.url("/failure"));
        JsonNode payment = api.get("/api2/payments/" + paymentId).body();
        assertThat(payment.get("status").asString()).isEqualTo("requiresPaymentMethod");
        assertThat(payment.get("lastPaymentError").get("code").asString()).isEqualTo("authentication_failed");
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("open");

        // the challenge of a failed payment leads back to the form
        EntityExchangeResult<String> stale = payer.get()
                .uri("/pay/" + id + "/authenticate?payment=" + paymentId)
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(stale.getStatus().value()).isEqualTo(303);
        assertThat(stale.getResponseHeaders().getLocation()).hasToString("/pay/" + id);
        // answering again is refused without a change, and the payer can try another card
        assertThat(authenticate(id, "payment=" + paymentId + "&result=complete")
                        .getResponseHeaders()
                        .getLocation())
                .hasToString(shop.url("/failure"));
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("requiresPaymentMethod");
        assertThat(post(id, card("4111111111111111", "123"))
                        .getResponseHeaders()
                        .getLocation())
                .hasToString(shop.url("/success"));
    }

    @Test
    void aChallengeAnswersOnlyForAPaymentOfItsOwnSessionAndBadAnswersChangeNothing() {
        String mine = createSession("\"3ds-mine\"");
        String other = createSession("\"3ds-other\"");
        String paymentId = challengedPayment(challenged(mine));

        assertThat(payer.get()
                        .uri("/pay/" + mine + "/authenticate?payment=p_nope")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getStatus()
                        .value())
                .isEqualTo(400);
        EntityExchangeResult<String> foreign = authenticate(other, "payment=" + paymentId + "&result=complete");
        assertThat(foreign.getStatus().value()).isEqualTo(404);
        assertSecureHtml(foreign);
        for (String bad : java.util.List.of(
                "payment=" + paymentId + "&result=maybe", "payment=p_nope&result=complete", "result=complete", "%zz")) {
            EntityExchangeResult<String> refused = authenticate(mine, bad);
            assertThat(refused.getStatus().value()).as(bad).isEqualTo(400);
            assertSecureHtml(refused);
        }
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("requiresAction");
        assertThat(api.get("/api2/sessions/" + mine).body().get("status").asString())
                .isEqualTo("open");
        assertThat(api.get("/api2/sessions/" + other).body().get("status").asString())
                .isEqualTo("open");
    }

    @Test
    void theBankDownWhenTheChallengeIsCompletedShowsItAgainChangesNothingAndItCompletesOnceTheBankIsBack()
            throws Exception {
        String id = createSession("\"3ds-bank-down\"");
        String paymentId = challengedPayment(challenged(id));
        String complete = "payment=" + paymentId + "&result=complete";
        String probe = "{\"amount\": 100, \"currency\": \"EUR\", \"confirm\": true, \"paymentMethod\": "
                + "{\"type\": \"card\", \"card\": {\"number\": \"4111111111111111\", \"cvc\": \"123\", "
                + "\"expiryMonth\": 12, \"expiryYear\": 2030}}}";
        EntityExchangeResult<String> down;
        java.nio.file.Files.writeString(TestStack.BANK_OUTAGE, "down");
        try {
            // the switch is read at most every 100 ms: wait until a payment of the API meets the bank down
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> api.post("/api2/payments", probe).status() == 502);
            down = authenticate(id, complete);
        } finally {
            java.nio.file.Files.deleteIfExists(TestStack.BANK_OUTAGE);
        }

        // nothing was done: the challenge again, saying so, and the payment still waits for it
        assertThat(down.getStatus().value()).isEqualTo(502);
        assertSecureHtml(down);
        assertThat(down.getResponseBody())
                .contains(
                        "The bank could not be reached. Nothing was charged; please try again.",
                        "name=\"payment\" value=\"" + paymentId + "\"",
                        "value=\"complete\"");
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("requiresAction");
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("open");

        // the bank back: the same answer completes it (the leases taken for the failed try were given back)
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> authenticate(id, complete).getStatus().value() == 303);
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("completed");
        assertThat(api.get("/api2/payments/" + paymentId).body().get("status").asString())
                .isEqualTo("succeeded");
    }

    @Test
    void anExpiredSessionAnswers410WithoutAForm() {
        String id = createSession("\"late\"");
        api.ok("/api2/sessions/" + id + "/expire", null);
        for (EntityExchangeResult<String> page :
                java.util.List.of(get(id), post(id, card("4111111111111111", "123")))) {
            assertThat(page.getStatus().value()).isEqualTo(410);
            assertSecureHtml(page);
            assertThat(page.getResponseBody())
                    .contains("This payment page has expired")
                    .doesNotContain("<form");
        }
    }
}
