package dev.paygate.gateway.hosted;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Session;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.payment.SessionPayer;
import dev.paygate.gateway.read.PaymentServiceClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The hosted payment page (docs/api.md, "The hosted payment page"), outside {@code /api2}: {@code GET /pay/{sessionId}}
 * shows the session's amount and a card form; {@code POST /pay/{sessionId}} (a plain HTML form) pays it through the
 * same path as the test API ({@link SessionPayer}) and answers 303 to the session's {@code successUrl} when the bank
 * authorized the payment, or to its {@code failureUrl} when the card was declined (the session stays open). A card that
 * needs 3-D Secure goes on to the test-mode challenge page ({@code GET /pay/{sessionId}/authenticate?payment=…});
 * {@code POST /pay/{sessionId}/authenticate} completes or fails it, and the payment goes on to {@code successUrl} or {@code failureUrl}. The text is in the session's language
 * ({@link HostedTexts}). The session id (54 random base58 characters) is the payer's capability: no API key. Every
 * answer is HTML with strict security headers, errors included.
 */
@RestController
class HostedPageController {

    static final String STYLESHEET = "/pay/assets/hosted.css";

    private static final Logger log = LoggerFactory.getLogger(HostedPageController.class);

    private record HostedSession(String merchantId, Session session) {}

    private final PaymentServiceClient reads;
    private final SessionPayer payer;
    private final Clock clock;

    public HostedPageController(PaymentServiceClient reads, SessionPayer payer, Clock clock) {
        this.reads = reads;
        this.payer = payer;
        this.clock = clock;
    }

    @GetMapping(STYLESHEET)
    public ResponseEntity<String> stylesheet() {
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofHours(1)))
                .header("X-Content-Type-Options", "nosniff")
                .body(HostedPageView.CSS);
    }

    @GetMapping("/pay/{id}")
    public Mono<ResponseEntity<String>> page(@PathVariable String id) {
        if (!Ids.SESSION.matches(id)) {
            return Mono.just(notFound());
        }
        return read(id).map(hosted -> {
            Session s = hosted.session();
            if (isOpen(s)) {
                return html(HttpStatus.OK, s, HostedPageView.form(s, CardForm.EMPTY, Map.of(), null));
            }
            return state(s, HttpStatus.OK);
        });
    }

    @PostMapping("/pay/{id}")
    public Mono<ResponseEntity<String>> pay(@PathVariable String id, ServerHttpRequest http) {
        return body(http, body -> pay(id, http.getHeaders().getContentType(), body));
    }

    /**
     * The 3-D Secure challenge for {@code payment}: shown while the session is open and the payment waits for
     * 3-D Secure; a paid or expired session shows its state, a payment that waits for nothing goes back to the form.
     */
    @GetMapping("/pay/{id}/authenticate")
    public Mono<ResponseEntity<String>> challengePage(
            @PathVariable String id, @RequestParam(name = "payment", required = false) String paymentId) {
        if (!Ids.SESSION.matches(id)) {
            return Mono.just(notFound());
        }
        if (paymentId == null || !Ids.PAYMENT.matches(paymentId)) {
            return Mono.just(unreadable());
        }
        return read(id).flatMap(hosted -> {
            Session s = hosted.session();
            if (!isOpen(s)) {
                return Mono.just(state(s, HttpStatus.OK));
            }
            return reads.payment(paymentId, hosted.merchantId()).map(json -> {
                JsonNode payment = PaygateJson.wire().readTree(json);
                if (!Payment.REQUIRES_ACTION.equals(payment.path("status").asString(null))) {
                    return redirect("/pay/" + id, s);
                }
                String masked = payment.path("paymentMethod")
                        .path("card")
                        .path("maskedNumber")
                        .asString(null);
                return html(HttpStatus.OK, s, HostedPageView.challenge(s, paymentId, masked, null));
            });
        });
    }

    @PostMapping("/pay/{id}/authenticate")
    public Mono<ResponseEntity<String>> authenticate(@PathVariable String id, ServerHttpRequest http) {
        return body(http, body -> authenticate(id, http.getHeaders().getContentType(), body));
    }

    private Mono<ResponseEntity<String>> body(
            ServerHttpRequest http, java.util.function.Function<String, Mono<ResponseEntity<String>>> handle) {
        // the body is read here, as bytes, through RequestSizeLimit's decorated request (64 KiB), and always
        // read in full, so the connection stays usable whatever is answered
        return DataBufferUtils.join(http.getBody())
                .map(buffer -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty("")
                .flatMap(handle)
                .onErrorResume(
                        DataBufferLimitException.class,
                        e -> Mono.just(html(
                                HttpStatus.CONTENT_TOO_LARGE,
                                null,
                                HostedPageView.message(
                                        "This form could not be read", "The form sent was too large."))));
    }

    /** What a POST to a session's page gets before its form is read: 404 for an impossible id, 415 for no form. */
    private static Optional<ResponseEntity<String>> refusedForm(String id, MediaType type, String hint) {
        if (!Ids.SESSION.matches(id)) {
            return Optional.of(notFound());
        }
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
            return Optional.of(html(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    null,
                    HostedPageView.message("This form could not be read", hint)));
        }
        return Optional.empty();
    }

    private Mono<ResponseEntity<String>> pay(String id, MediaType type, String body) {
        Optional<ResponseEntity<String>> refused = refusedForm(id, type, "Send the payment form as an HTML form.");
        if (refused.isPresent()) {
            return Mono.just(refused.get());
        }
        CardForm form;
        try {
            form = CardForm.parse(body);
        } catch (IllegalArgumentException e) {
            return Mono.just(unreadable());
        }
        return read(id).flatMap(hosted -> {
            Session s = hosted.session();
            if (!isOpen(s)) {
                return Mono.just(state(s, HttpStatus.CONFLICT));
            }
            HostedTexts t = HostedTexts.of(s.locale());
            Map<String, String> errors = form.errors(t);
            if (!errors.isEmpty()) {
                return Mono.just(formAgain(s, form, errors, null, HttpStatus.BAD_REQUEST));
            }
            return payer.pay(hosted.merchantId(), id, form.toPaymentMethod())
                    .flatMap(outcome -> answer(outcome, s, form))
                    .onErrorResume(
                            ApiException.class,
                            e -> e.status() == HttpStatus.BAD_REQUEST
                                    ? Mono.just(formAgain(s, form, cardErrors(e, t), null, HttpStatus.BAD_REQUEST))
                                    : Mono.error(e));
        });
    }

    private Mono<ResponseEntity<String>> answer(CommandBus.Outcome outcome, Session s, CardForm form) {
        if (!outcome.known()) {
            return Mono.just(html(HttpStatus.ACCEPTED, s, HostedPageView.processing(s)));
        }
        CommandReply reply = outcome.reply();
        if (reply.isOk()) {
            return Mono.just(redirect(s.successUrl(), s));
        }
        if (reply.status() == 402 && ProblemCodes.AUTHENTICATION_REQUIRED.equals(reply.code())) {
            // to the challenge by GET (post/redirect/get): reloading it never sends the card form again
            String paymentId = reply.resource() == null
                    ? null
                    : reply.resource().path("id").asString(null);
            return Mono.just(
                    paymentId == null
                            ? html(HttpStatus.ACCEPTED, s, HostedPageView.processing(s))
                            : redirect("/pay/" + s.id() + "/authenticate?payment=" + paymentId, s));
        }
        if (reply.status() == 402) { // card_declined
            return Mono.just(redirect(s.failureUrl(), s));
        }
        if (ProblemCodes.SESSION_INVALID_STATUS.equals(reply.code())) { // paid or expired meanwhile
            return read(s.id()).map(now -> state(now.session(), HttpStatus.CONFLICT));
        }
        if (reply.status() == 404) {
            return Mono.just(notFound());
        }
        HttpStatus status = HttpStatus.resolve(reply.status());
        return Mono.just(formAgain(
                s,
                form,
                Map.of(),
                notice(s, reply),
                status == null || !status.isError() ? HttpStatus.SERVICE_UNAVAILABLE : status));
    }

    private static String notice(Session s, CommandReply reply) {
        return HostedTexts.of(s.locale()).get(reply.status() == 502 ? "notice.bankUnavailable" : "notice.failed");
    }

    /**
     * The payer's answer to the challenge: {@code payment} (the payment it is for) and {@code result}
     * ({@code complete} or {@code fail}). Authorized: 303 to {@code successUrl}; failed or declined: 303 to
     * {@code failureUrl}, the session still open for another card.
     */
    private Mono<ResponseEntity<String>> authenticate(String id, MediaType type, String body) {
        Optional<ResponseEntity<String>> refused = refusedForm(id, type, "Send the form as an HTML form.");
        if (refused.isPresent()) {
            return Mono.just(refused.get());
        }
        Map<String, String> fields;
        try {
            fields = CardForm.fields(body);
        } catch (IllegalArgumentException e) {
            fields = Map.of();
        }
        String paymentId = fields.getOrDefault("payment", "");
        String result = fields.getOrDefault("result", "");
        if (!Ids.PAYMENT.matches(paymentId) || !(result.equals("complete") || result.equals("fail"))) {
            return Mono.just(unreadable());
        }
        return read(id).flatMap(hosted -> {
            Session s = hosted.session();
            if (!isOpen(s)) {
                return Mono.just(state(s, HttpStatus.CONFLICT));
            }
            return payer.authenticate(hosted.merchantId(), id, paymentId, result.equals("complete"))
                    .flatMap(outcome -> {
                        if (!outcome.known()) {
                            return Mono.just(html(HttpStatus.ACCEPTED, s, HostedPageView.processing(s)));
                        }
                        CommandReply reply = outcome.reply();
                        if (reply.isOk()) {
                            return Mono.just(redirect(s.successUrl(), s));
                        }
                        if (reply.status() == 402) { // authentication_failed, or declined after authentication
                            return Mono.just(redirect(s.failureUrl(), s));
                        }
                        if (reply.status() == 404) {
                            return Mono.just(notFound());
                        }
                        if (reply.status() == 409) {
                            // paid or expired meanwhile, or this challenge was answered already (a second click)
                            return read(id).map(now ->
                                    Session.STATUS_OPEN.equals(now.session().status()) && isOpen(now.session())
                                            ? redirect(s.failureUrl(), s)
                                            : state(now.session(), HttpStatus.CONFLICT));
                        }
                        // the bank could not be reached (nothing changed): the challenge again, saying so
                        HttpStatus status = HttpStatus.resolve(reply.status());
                        return Mono.just(html(
                                status == null || !status.isError() ? HttpStatus.SERVICE_UNAVAILABLE : status,
                                s,
                                HostedPageView.challenge(s, paymentId, null, notice(s, reply))));
                    });
        });
    }

    /** The card's problems as the tokenizer names them ({@code paymentMethod.card.number}…), by form field. */
    private static Map<String, String> cardErrors(ApiException e, HostedTexts t) {
        String param = e.param() == null ? "" : e.param();
        String field = param.endsWith("number")
                ? CardForm.CARD_NUMBER
                : param.endsWith("cvc")
                        ? CardForm.CVC
                        : param.endsWith("expiryMonth")
                                ? CardForm.EXPIRY_MONTH
                                : param.endsWith("expiryYear")
                                        ? CardForm.EXPIRY_YEAR
                                        : param.endsWith("holderName") ? CardForm.HOLDER_NAME : CardForm.CARD_NUMBER;
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put(
                field,
                switch (field) {
                    case CardForm.CARD_NUMBER -> t.get("error.cardNumber.invalid");
                    case CardForm.EXPIRY_YEAR -> t.get("error.expired");
                    default -> e.getMessage();
                });
        return errors;
    }

    private Mono<HostedSession> read(String id) {
        return reads.hostedSession(id).map(json -> PaygateJson.wire().readValue(json, HostedSession.class));
    }

    private boolean isOpen(Session s) {
        return Session.STATUS_OPEN.equals(s.status()) && clock.instant().isBefore(s.expiresAt());
    }

    private ResponseEntity<String> state(Session s, HttpStatus status) {
        if (Session.STATUS_COMPLETE.equals(s.status())) {
            return html(status, s, HostedPageView.paid(s));
        }
        // expired, or still open past expiresAt (its expiry is on the way): both are gone for the payer
        return html(HttpStatus.GONE, s, HostedPageView.expired(s));
    }

    private ResponseEntity<String> formAgain(
            Session s, CardForm form, Map<String, String> errors, String notice, HttpStatus status) {
        return html(status, s, HostedPageView.form(s, form.withoutSecrets(), errors, notice));
    }

    /** A form or address that can't be read (malformed, or not what the page sends): 400, and nothing was done. */
    private static ResponseEntity<String> unreadable() {
        return html(
                HttpStatus.BAD_REQUEST,
                null,
                HostedPageView.message("This form could not be read", "Go back to the payment page and try again."));
    }

    private static ResponseEntity<String> notFound() {
        return html(
                HttpStatus.NOT_FOUND,
                null,
                HostedPageView.message(
                        "Payment page not found",
                        "There is no payment page at this address. Check the link the shop gave you."));
    }

    private static ResponseEntity<String> redirect(String url, Session s) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER)
                .headers(securityHeaders(s))
                .location(URI.create(url))
                .build();
    }

    private static ResponseEntity<String> html(HttpStatusCode status, Session s, String page) {
        return ResponseEntity.status(status)
                .headers(securityHeaders(s))
                .contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .body(page);
    }

    /**
     * No script at all, styles only from the gateway, never framed, no referrer, never cached. The form may be
     * sent only to the gateway, and — because browsers check the redirect after a form post too — on to the
     * session's own successUrl/failureUrl origins.
     */
    static HttpHeaders securityHeaders(Session s) {
        Set<String> formAction = new LinkedHashSet<>();
        formAction.add("'self'");
        if (s != null) {
            addOrigin(formAction, s.successUrl());
            addOrigin(formAction, s.failureUrl());
        }
        HttpHeaders h = new HttpHeaders();
        h.set(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action " + String.join(" ", formAction)
                        + "; frame-ancestors 'none'; base-uri 'none'");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Content-Type-Options", "nosniff");
        h.setCacheControl(CacheControl.noStore());
        return h;
    }

    private static void addOrigin(Set<String> origins, String url) {
        if (url == null) {
            return;
        }
        try {
            URI uri = URI.create(url);
            String origin = uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getHost()
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
            if (origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) { // nothing that could end the directive
                origins.add(origin);
            }
        } catch (RuntimeException e) {
            // an unusable URL adds no origin (the redirect to it would be refused by the browser)
        }
    }

    /** Whatever goes wrong, a payer sees a page, never JSON or a stack trace. */
    @ExceptionHandler(Throwable.class)
    public ResponseEntity<String> failed(Throwable e) {
        if (e instanceof ApiException api) {
            if (api.status() == HttpStatus.NOT_FOUND) {
                return notFound();
            }
            if (api.status().is4xxClientError()) {
                return html(
                        api.status(),
                        null,
                        HostedPageView.message(
                                "This request could not be handled", "Go back to the payment page and try again."));
            }
            return html(
                    api.status(),
                    null,
                    HostedPageView.message(
                            "Payments are unavailable right now",
                            "Nothing was charged. Please try again in a moment."));
        }
        if (e instanceof ResponseStatusException rse && rse.getStatusCode().is4xxClientError()) {
            log.info("hosted page refused a request: {} {}", rse.getStatusCode(), rse.getReason());
            return html(
                    rse.getStatusCode(),
                    null,
                    HostedPageView.message(
                            "This request could not be handled", "Go back to the payment page and try again."));
        }
        log.error("hosted page failed: {}", e.toString());
        return html(
                HttpStatus.SERVICE_UNAVAILABLE,
                null,
                HostedPageView.message(
                        "Payments are unavailable right now", "Nothing was charged. Please try again in a moment."));
    }
}
