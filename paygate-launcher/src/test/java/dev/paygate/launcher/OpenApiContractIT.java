package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 document the gateway serves ({@code /v3/api-docs}), checked both ways against the live answers:
 * every operation is driven through real requests on the whole stack, and each answer's status must be documented for
 * its operation and its body must validate against the documented schema with no undocumented field (every object
 * schema is closed for the check). Then the other way: every documented (operation, status) pair was answered at
 * least once, and every field of a 200 schema appeared at least once — except the few listed below with the reason
 * they can't be produced here.
 */
class OpenApiContractIT {

    static final String APPROVE = "4111111111111111";
    static final String DECLINE = "4000000000000002";
    static final String THREE_DS = "4000000000003220";
    static final JsonMapper JSON = PaygateJson.wire();
    static final String DOCUMENT_URI = "https://paygate.dev/openapi.json";

    /** Documented answers this test cannot cause on the shared test stack, by status (any operation) or operation. */
    static final Map<String, String> NOT_EXERCISED = Map.of(
            "202", "a reply later than the reply timeout; the test stack waits 30 s (gateway ReplyTimeoutIT covers it)",
            "429",
                    "the test stack lifts the auth-failure limit: every test client is 127.0.0.1 (AuthThrottleIT covers it)",
            "503", "needs the database or a service down (StoreUnavailableTest, the fault suite)",
            "409 POST /api2/webhook-endpoints", "only idempotency_key_in_use: a retry racing its original",
            "409 POST /api2/webhook-endpoints/{id}", "only idempotency_key_in_use: a retry racing its original",
            "409 POST /api2/webhook-endpoints/{id}/rotate-secret",
                    "only idempotency_key_in_use: a retry racing its original",
            "409 POST /api2/sessions", "only idempotency_key_in_use: a retry racing its original");

    /** Fields of 200 schemas that never appear in an answer here, and why. */
    static final Map<String, String> FIELDS_NEVER_SEEN = Map.of();

    static JsonNode document;
    static SchemaRegistry schemas;
    static final Map<String, JsonNode> RESPONSE_SCHEMAS = new LinkedHashMap<>();
    static final Map<String, Set<String>> answered = new ConcurrentHashMap<>();
    static final Set<String> fieldsSeen = ConcurrentHashMap.newKeySet();
    static final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    static WebTestClient web;
    static String key;

    @BeforeAll
    static void readTheDocument() {
        web = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(40))
                .build();
        EntityExchangeResult<String> result = web.get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult();
        document = JSON.readTree(result.getResponseBody());
        try {
            Files.writeString(
                    java.nio.file.Path.of("target", "openapi.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // closed objects for the check: an answered field the document doesn't have is an error
        ObjectNode components = (ObjectNode) document.get("components").deepCopy();
        components.get("schemas").properties().forEach(e -> {
            if (e.getValue() instanceof ObjectNode schema
                    && schema.has("properties")
                    && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
        });
        ObjectNode responses = JsonNodeFactory.instance.objectNode();
        int n = 0;
        for (var path : document.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                for (var status : op.getValue().path("responses").properties()) {
                    for (var media : status.getValue().path("content").properties()) {
                        String name = "r" + n++;
                        responses.set(name, media.getValue().get("schema"));
                        RESPONSE_SCHEMAS.put(
                                op.getKey().toUpperCase() + " " + path.getKey() + " " + status.getKey() + " "
                                        + media.getKey(),
                                JsonNodeFactory.instance.stringNode(name));
                    }
                }
            }
        }
        ObjectNode schemaDocument = JsonNodeFactory.instance.objectNode();
        schemaDocument.set("components", components);
        schemaDocument.set("responses", responses);
        schemas = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(DOCUMENT_URI, JSON.writeValueAsString(schemaDocument)))
                        .schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .formatAssertionsEnabled(true)
                                .build()));
    }

    @Test
    void theDocumentIsOpenApi31AndCoversOnlyTheApis() {
        assertThat(document.get("openapi").asString()).startsWith("3.1.");
        List<String> paths = new ArrayList<>();
        document.get("paths").properties().forEach(e -> paths.add(e.getKey()));
        assertThat(paths).allSatisfy(p -> assertThat(p).matches("^/(api2|api/v2|admin)/.*"));
        assertThat(paths).contains("/api2/payments", "/api/v2/Payment/Transactions/{id}/cancel", "/admin/merchants");
        assertThat(document.at("/components/securitySchemes").properties())
                .extracting(Map.Entry::getKey)
                .contains("apiKey", "bearer", "adminToken");
        // served without authentication, and not refused by the request filters
        web.get()
                .uri("/v3/api-docs")
                .header("Content-Type", "text/plain")
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** The document as committed for merchants' tools and paygate-client's generator. */
    static final java.nio.file.Path COMMITTED = java.nio.file.Path.of("..", "docs", "openapi.json");

    /**
     * docs/openapi.json is the served document (but for {@code servers}, which names the port it was served on): a
     * change of the API that is not in the committed document fails here. {@code -Dpaygate.openapi.update=true}
     * writes the served one there.
     */
    @Test
    void theCommittedDocumentIsTheServedOne() throws Exception {
        tools.jackson.databind.node.ObjectNode served = (tools.jackson.databind.node.ObjectNode) document.deepCopy();
        served.putArray("servers")
                .addObject()
                .put("url", "http://localhost:8080")
                .put("description", "./paygate (the gateway's port)");
        if (Boolean.getBoolean("paygate.openapi.update")) {
            Files.writeString(COMMITTED, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n");
        }
        List<String> differences = new ArrayList<>();
        differences(JSON.readTree(Files.readString(COMMITTED)), served, "", differences);
        assertThat(differences)
                .as("where docs/openapi.json differs from the served document: rerun OpenApiContractIT with "
                        + "-Dpaygate.openapi.update=true and commit the file")
                .isEmpty();
    }

    /** The JSON pointers at which {@code a} and {@code b} differ (at most 20). */
    static void differences(JsonNode a, JsonNode b, String at, List<String> found) {
        if (found.size() >= 20 || a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new java.util.TreeSet<>(a.propertyNames());
            names.addAll(b.propertyNames());
            for (String name : names) {
                String here = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!a.has(name) || !b.has(name)) {
                    found.add(here + (a.has(name) ? " (only committed)" : " (only served)"));
                } else {
                    differences(a.get(name), b.get(name), here, found);
                }
            }
        } else {
            found.add(at.isEmpty() ? "/" : at);
        }
    }

    @Test
    void theUiLoadsAndReferencesTheDocument() {
        EntityExchangeResult<String> page = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .build()
                .get()
                .uri("/docs")
                .exchange()
                .expectStatus()
                .is3xxRedirection()
                .expectBody(String.class)
                .returnResult();
        String location = page.getResponseHeaders().getLocation().toString();
        String html = web.get()
                .uri(location)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(html).contains("swagger-ui");
        String config = web.get()
                .uri("/v3/api-docs/swagger-config")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(JSON.readTree(config).get("url").asString()).isEqualTo("/v3/api-docs");
        String initializer = web.get()
                .uri(location.replace("index.html", "swagger-initializer.js"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(initializer).contains("/v3/api-docs");
    }

    @Test
    void everyAnswerIsDocumentedAndEveryDocumentedAnswerHappens() throws Exception {
        operatorApi();
        sessions();
        payments();
        refundsAndSecupay();
        webhooks();
        bankOutage();
        genericRefusals();

        // every kind of difference is reported at once
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(failures).as("answers that differ from the document").isEmpty();

        Set<String> documented = new TreeSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(op -> op.getValue()
                                .path("responses")
                                .properties()
                                .forEach(status -> documented.add(
                                        status.getKey() + " " + op.getKey().toUpperCase() + " " + path.getKey()))));
        Set<String> missing = new TreeSet<>();
        Set<String> listedButSeen = new TreeSet<>();
        for (String pair : documented) {
            String status = pair.substring(0, 3);
            String op = pair.substring(4);
            boolean seen = answered.getOrDefault(op, Set.of()).contains(status);
            boolean excused = NOT_EXERCISED.containsKey(status) || NOT_EXERCISED.containsKey(pair);
            if (!seen && !excused) {
                missing.add(pair);
            }
            if (seen && NOT_EXERCISED.containsKey(pair)) {
                listedButSeen.add(pair);
            }
        }
        soft.assertThat(missing).as("documented answers never given").isEmpty();
        soft.assertThat(listedButSeen)
                .as("listed as not exercised, yet answered: take them off the list")
                .isEmpty();
        soft.assertThat(NOT_EXERCISED.keySet())
                .as("listed as not exercised, but not documented")
                .allMatch(k -> k.length() == 3 || documented.contains(k));

        Set<String> fields = new TreeSet<>();
        RESPONSE_SCHEMAS.forEach((k, v) -> {
            if (k.contains(" 200 ")) {
                fieldsOf(
                        document.at("/paths")
                                .get(pathOf(k))
                                .get(k.split(" ")[0].toLowerCase())
                                .at("/responses/200/content")
                                .properties()
                                .iterator()
                                .next()
                                .getValue()
                                .get("schema"),
                        fields,
                        new TreeSet<>());
            }
        });
        Set<String> unseen = new TreeSet<>(fields);
        unseen.removeAll(fieldsSeen);
        unseen.removeAll(FIELDS_NEVER_SEEN.keySet());
        soft.assertThat(unseen)
                .as("documented fields of 200 answers never seen")
                .isEmpty();
        soft.assertThat(FIELDS_NEVER_SEEN.keySet())
                .as("listed as never seen, yet seen")
                .doesNotContainAnyElementsOf(fieldsSeen);
        soft.assertAll();
    }

    // ---- the flows ----

    void operatorApi() {
        Consumer<HttpHeaders> admin = h -> h.set("X-Admin-Token", TestStack.ADMIN_TOKEN);
        JsonNode merchant = call("POST", "/admin/merchants", Map.of(), "{\"name\": \"OpenAPI shop\"}", admin, 200);
        String merchantId = merchant.get("id").asString();
        key = call("POST", "/admin/merchants/{id}/api-keys", Map.of("id", merchantId), null, admin, 200)
                .get("key")
                .asString();
        String spare = call("POST", "/admin/merchants/{id}/api-keys", Map.of("id", merchantId), null, admin, 200)
                .get("id")
                .asString();
        call("DELETE", "/admin/api-keys/{id}", Map.of("id", spare), null, admin, 200);
        call("DELETE", "/admin/api-keys/{id}", Map.of("id", spare), null, admin, 404);
        call("POST", "/admin/merchants/{id}/api-keys", Map.of("id", Ids.MERCHANT.next()), null, admin, 404);
        call("POST", "/admin/merchants", Map.of(), "{}", admin, 400);
        call("POST", "/admin/merchants", Map.of(), "{\"name\": \"x\"}", h -> h.set("X-Admin-Token", "wrong"), 401);
    }

    void sessions() {
        String full =
                "{\"amount\": 1500, \"currency\": \"EUR\", \"customerDetails\": {\"address\": {\"city\": \"Berlin\","
                        + " \"country\": \"DE\", \"line1\": \"Main St 1\", \"line2\": \"2nd floor\", \"postalCode\": \"10115\","
                        + " \"state\": \"BE\"}, \"email\": \"jane@example.com\", \"name\": \"Jane Doe\", \"phone\": \"+49301234567\"},"
                        + " \"expiresAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\","
                        + " \"failureUrl\": \"https://shop.example.com/failed\", \"successUrl\": \"https://shop.example.com/ok\","
                        + " \"locale\": \"de\", \"merchantReferenceId\": \"order-1\", \"metadata\": {\"order\": \"1\"},"
                        + " \"paymentData\": {\"captureMethod\": \"manual\"}}";
        String session =
                api("POST", "/api2/sessions", Map.of(), full, 200).get("id").asString();
        api("GET", "/api2/sessions/{id}", Map.of("id", session), null, 200);
        api("GET", "/api2/sessions/{id}", Map.of("id", Ids.SESSION.next()), null, 404);
        api("POST", "/api2/sessions/{id}/expire", Map.of("id", session), null, 200);
        api("POST", "/api2/sessions/{id}/expire", Map.of("id", session), null, 409);
        api("POST", "/api2/sessions/{id}/expire", Map.of("id", Ids.SESSION.next()), null, 404);

        String paid = api("POST", "/api2/sessions", Map.of(), "{\"amount\": 700, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        api("POST", "/api2/sessions/{id}/pay", Map.of("id", paid), pay(APPROVE), 200);
        api("POST", "/api2/sessions/{id}/pay", Map.of("id", paid), pay(APPROVE), 409);
        api("GET", "/api2/sessions/{id}", Map.of("id", paid), null, 200);
        String declined = api("POST", "/api2/sessions", Map.of(), "{\"amount\": 700, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        api("POST", "/api2/sessions/{id}/pay", Map.of("id", declined), pay(DECLINE), 402);
        api("POST", "/api2/sessions/{id}/pay", Map.of("id", Ids.SESSION.next()), pay(APPROVE), 404);
    }

    void payments() {
        String full = "{\"amount\": 2000, \"currency\": \"EUR\", \"captureMethod\": \"manual\", \"confirm\": true,"
                + " \"paymentMethod\": " + card(APPROVE) + ", \"customerDetails\": {\"address\": {\"city\": \"Berlin\","
                + " \"country\": \"DE\", \"line1\": \"Main St 1\", \"postalCode\": \"10115\"}, \"email\": \"jane@example.com\","
                + " \"name\": \"Jane Doe\", \"phone\": \"+49301234567\"}, \"description\": \"Order 2\","
                + " \"merchantCustomerId\": \"cust-2\", \"metadata\": {\"order\": \"2\"},"
                + " \"returnUrl\": \"https://shop.example.com/back\","
                + " \"paymentMethodOptions\": {\"card\": {\"threeDSecureMode\": \"automatic\", \"verify\": true}},"
                + " \"setupFutureUsage\": {\"category\": \"unscheduled\"}}";
        String manual =
                api("POST", "/api2/payments", Map.of(), full, 200).get("id").asString();
        api("GET", "/api2/payments/{id}", Map.of("id", manual), null, 200);
        api("GET", "/api2/payments/{id}", Map.of("id", Ids.PAYMENT.next()), null, 404);
        api("POST", "/api2/payments/{id}/capture", Map.of("id", manual), "{\"amountToCapture\": 1500}", 200);
        api("POST", "/api2/payments/{id}/capture", Map.of("id", manual), null, 409);
        api("POST", "/api2/payments/{id}/cancel", Map.of("id", manual), null, 409);
        api("POST", "/api2/payments/{id}/capture", Map.of("id", Ids.PAYMENT.next()), null, 404);

        String toCancel = create(APPROVE, "manual");
        api(
                "POST",
                "/api2/payments/{id}/cancel",
                Map.of("id", toCancel),
                "{\"cancellationReason\": \"abandoned\"}",
                200);
        api("POST", "/api2/payments/{id}/cancel", Map.of("id", Ids.PAYMENT.next()), null, 404);

        String later = api("POST", "/api2/payments", Map.of(), "{\"amount\": 900, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        api(
                "POST",
                "/api2/payments/{id}/confirm",
                Map.of("id", later),
                "{\"paymentMethod\": " + card(APPROVE) + "}",
                200);
        api("POST", "/api2/payments/{id}/confirm", Map.of("id", later), null, 409);
        api("POST", "/api2/payments/{id}/confirm", Map.of("id", Ids.PAYMENT.next()), null, 404);
        String toDecline = api("POST", "/api2/payments", Map.of(), "{\"amount\": 900, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        api(
                "POST",
                "/api2/payments/{id}/confirm",
                Map.of("id", toDecline),
                "{\"paymentMethod\": " + card(DECLINE) + "}",
                402);
        api("GET", "/api2/payments/{id}", Map.of("id", toDecline), null, 200);
        api(
                "POST",
                "/api2/payments",
                Map.of(),
                "{\"amount\": 900, \"currency\": \"EUR\", \"confirm\": true," + " \"paymentMethod\": " + card(DECLINE)
                        + "}",
                402);

        String threeDs = create(THREE_DS, "automatic");
        api("POST", "/api2/payments/{id}/test-3ds", Map.of("id", threeDs), "{\"result\": \"success\"}", 200);
        api("POST", "/api2/payments/{id}/test-3ds", Map.of("id", threeDs), "{\"result\": \"success\"}", 409);
        String failed3ds = create(THREE_DS, "automatic");
        api("POST", "/api2/payments/{id}/test-3ds", Map.of("id", failed3ds), "{\"result\": \"failure\"}", 200);
        api("POST", "/api2/payments/{id}/test-3ds", Map.of("id", Ids.PAYMENT.next()), "{\"result\": \"success\"}", 404);
    }

    void refundsAndSecupay() {
        JsonNode captured = api(
                "POST",
                "/api2/payments",
                Map.of(),
                "{\"amount\": 5000, \"currency\": \"EUR\","
                        + " \"captureMethod\": \"automatic\", \"confirm\": true, \"paymentMethod\": " + card(APPROVE)
                        + "}",
                200);
        String payment = captured.get("id").asString();
        JsonNode refund = api(
                "POST",
                "/api2/refunds",
                Map.of(),
                "{\"paymentId\": \"" + payment + "\", \"amount\": 1000,"
                        + " \"reason\": \"requestedByCustomer\", \"metadata\": {\"ticket\": \"7\"}}",
                200);
        String refundId = refund.get("id").asString();
        api("POST", "/api2/refunds", Map.of(), "{\"paymentId\": \"" + payment + "\", \"amount\": 999999}", 409);
        api("POST", "/api2/refunds", Map.of(), "{\"paymentId\": \"" + Ids.PAYMENT.next() + "\"}", 404);
        api("GET", "/api2/refunds/{id}", Map.of("id", refundId), null, 200);
        api("GET", "/api2/refunds/{id}", Map.of("id", Ids.REFUND.next()), null, 404);
        api("POST", "/api2/refunds/{id}/test-reverse", Map.of("id", refundId), "{\"reason\": \"chargeback\"}", 200);
        api("POST", "/api2/refunds/{id}/test-reverse", Map.of("id", refundId), null, 409);
        api("POST", "/api2/refunds/{id}/test-reverse", Map.of("id", Ids.REFUND.next()), null, 404);
        api("GET", "/api2/refunds/{id}", Map.of("id", refundId), null, 200);
        api("GET", "/api2/payments/{id}/refunds", Map.of("id", payment), null, 200);
        api("GET", "/api2/payments/{id}/refunds", Map.of("id", Ids.PAYMENT.next()), null, 404);

        // secupay: the same payment as a transaction, a partial refund through cancel, the refund's own view
        String pci = captured.get("transactionId").asString();
        Consumer<HttpHeaders> bearer = h -> h.setBearerAuth(key);
        call("GET", "/api/v2/Payment/Transactions/{id}", Map.of("id", pci), null, bearer, 200);
        JsonNode both = call(
                "POST",
                "/api/v2/Payment/Transactions/{id}/cancel",
                Map.of("id", pci),
                "{\"reduce_amount_by\": 500, \"reason\": \"Damaged item\"}",
                bearer,
                200);
        String refundPci = both.get(1).get("id").asString();
        call("GET", "/api/v2/Payment/Transactions/{id}", Map.of("id", refundPci), null, bearer, 200);
        call("GET", "/api/v2/Payment/Transactions/{id}", Map.of("id", pci), null, bearer, 200);
        call("POST", "/api/v2/Payment/Transactions/{id}/cancel", Map.of("id", refundPci), null, bearer, 409);
        call("POST", "/api/v2/Payment/Transactions/{id}/cancel", Map.of("id", Ids.transactionId()), null, bearer, 404);
        call("GET", "/api/v2/Payment/Transactions/{id}", Map.of("id", Ids.transactionId()), null, bearer, 404);
        // a secupay refund carries a description: the refund read through /api2 shows it
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api("GET", "/api2/payments/{id}/refunds", Map.of("id", payment), null, 200)
                                .get("data")
                                .size()
                        == 2);
    }

    void webhooks() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answerAll(500);
            JsonNode created = api(
                    "POST",
                    "/api2/webhook-endpoints",
                    Map.of(),
                    "{\"url\": \"" + receiver.url()
                            + "\", \"enabledEvents\": [\"session.created\"], \"description\": \"orders\"}",
                    200);
            String endpoint = created.get("id").asString();
            Map<String, String> id = Map.of("id", endpoint);
            api("GET", "/api2/webhook-endpoints", Map.of(), null, 200);
            api("GET", "/api2/webhook-endpoints/{id}", id, null, 200);
            api("GET", "/api2/webhook-endpoints/{id}", Map.of("id", Ids.WEBHOOK_ENDPOINT.next()), null, 404);
            api("POST", "/api2/webhook-endpoints/{id}", id, "{\"description\": \"all orders\"}", 200);
            api(
                    "POST",
                    "/api2/webhook-endpoints/{id}",
                    Map.of("id", Ids.WEBHOOK_ENDPOINT.next()),
                    "{\"description\": \"x\"}",
                    404);
            api("POST", "/api2/webhook-endpoints/{id}/rotate-secret", id, null, 200);
            api(
                    "POST",
                    "/api2/webhook-endpoints/{id}/rotate-secret",
                    Map.of("id", Ids.WEBHOOK_ENDPOINT.next()),
                    null,
                    404);
            Instant since = Instant.now().minusSeconds(60);
            api("POST", "/api2/sessions", Map.of(), "{\"amount\": 100, \"currency\": \"EUR\"}", 200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api("GET", "/api2/webhook-endpoints/{id}/deliveries", id, null, 200)
                            .at("/data/0/status")
                            .asString()
                            .equals("failed"));
            JsonNode delivery = api("GET", "/api2/webhook-endpoints/{id}/deliveries", id, null, 200)
                    .at("/data/0");
            String deliveryId = delivery.get("id").asString();
            api("GET", "/api2/webhook-endpoints/{id}/deliveries", Map.of("id", Ids.WEBHOOK_ENDPOINT.next()), null, 404);
            api("GET", "/api2/webhook-deliveries/{id}", Map.of("id", deliveryId), null, 200);
            api("GET", "/api2/webhook-deliveries/{id}", Map.of("id", Ids.WEBHOOK_DELIVERY.next()), null, 404);
            receiver.answerAll(200);
            api("POST", "/api2/webhook-deliveries/{id}/retry", Map.of("id", deliveryId), null, 200);
            api("POST", "/api2/webhook-deliveries/{id}/retry", Map.of("id", Ids.WEBHOOK_DELIVERY.next()), null, 404);
            api("POST", "/api2/webhook-endpoints/{id}/recover", id, "{\"since\": \"" + since + "\"}", 200);
            api(
                    "POST",
                    "/api2/webhook-endpoints/{id}/recover",
                    Map.of("id", Ids.WEBHOOK_ENDPOINT.next()),
                    "{\"since\": \"" + since + "\"}",
                    404);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api("GET", "/api2/webhook-deliveries/{id}", Map.of("id", deliveryId), null, 200)
                            .get("status")
                            .asString()
                            .equals("succeeded"));
            api("POST", "/api2/webhook-endpoints/{id}", id, "{\"disabled\": true}", 200);
            api("GET", "/api2/webhook-endpoints/{id}", id, null, 200);
            api("POST", "/api2/webhook-endpoints/{id}/recover", id, "{\"since\": \"" + since + "\"}", 409);
            api("POST", "/api2/webhook-deliveries/{id}/retry", Map.of("id", deliveryId), null, 409);

            JsonNode events = api("GET", "/api2/events", Map.of(), null, 200);
            for (JsonNode event : events.get("data")) {
                api("GET", "/api2/events/{id}", Map.of("id", event.get("id").asString()), null, 200);
            }
            api("GET", "/api2/events", Map.of(), null, 200);
            api("GET", "/api2/events/{id}", Map.of("id", Ids.EVENT.next()), null, 404);
            api("DELETE", "/api2/webhook-endpoints/{id}", id, null, 200);
            api("DELETE", "/api2/webhook-endpoints/{id}", id, null, 404);
        }
    }

    /** The bank down (the simulator's outage switch): authorize, capture and void answer 502 and change nothing. */
    void bankOutage() throws Exception {
        String toCapture = create(APPROVE, "manual");
        String toVoid = create(APPROVE, "manual");
        String toConfirm = api("POST", "/api2/payments", Map.of(), "{\"amount\": 900, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        String session = api("POST", "/api2/sessions", Map.of(), "{\"amount\": 700, \"currency\": \"EUR\"}", 200)
                .get("id")
                .asString();
        String pci = api("GET", "/api2/payments/{id}", Map.of("id", create(APPROVE, "manual")), null, 200)
                .get("transactionId")
                .asString();
        Files.writeString(TestStack.BANK_OUTAGE, "down");
        try {
            // the switch is read at most every 100 ms: a payment created before it took effect is simply approved
            String authorize = "{\"amount\": 900, \"currency\": \"EUR\", \"confirm\": true, \"paymentMethod\": "
                    + card(APPROVE) + "}";
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> call("POST", "/api2/payments", Map.of(), authorize, merchant(), 200, 502)
                            .path("code")
                            .asString("")
                            .equals("acquirer_unavailable"));
            // the same create twice at once with one Idempotency-Key: while the first waits for the bank, the other
            // is told the key is in use
            Consumer<HttpHeaders> sameKey = h -> {
                merchant().accept(h);
                h.set("Idempotency-Key", "openapi-in-use-" + TestStack.DEMO_KEY.substring(8, 20));
            };
            var first = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> call("POST", "/api2/payments", Map.of(), authorize, sameKey, 409, 502));
            var second = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> call("POST", "/api2/payments", Map.of(), authorize, sameKey, 409, 502));
            assertThat(List.of(
                            first.get().get("code").asString(),
                            second.get().get("code").asString()))
                    .containsExactlyInAnyOrder("acquirer_unavailable", "idempotency_key_in_use");
            // one after the other: each waits for the bank's timeout (TestStack: 2 s), and commands that share a
            // partition
            // queue behind each other, so sent together some would outlast the reply timeout (202)
            for (JsonNode answer : List.of(
                    api("POST", "/api2/payments/{id}/capture", Map.of("id", toCapture), null, 502),
                    api("POST", "/api2/payments/{id}/cancel", Map.of("id", toVoid), null, 502),
                    api(
                            "POST",
                            "/api2/payments/{id}/confirm",
                            Map.of("id", toConfirm),
                            "{\"paymentMethod\": " + card(APPROVE) + "}",
                            502),
                    api("POST", "/api2/sessions/{id}/pay", Map.of("id", session), pay(APPROVE), 502),
                    call(
                            "POST",
                            "/api/v2/Payment/Transactions/{id}/cancel",
                            Map.of("id", pci),
                            null,
                            h -> h.setBearerAuth(key),
                            502))) {
                assertThat(answer.get("code").asString()).isEqualTo("acquirer_unavailable");
            }
        } finally {
            Files.deleteIfExists(TestStack.BANK_OUTAGE);
        }
        // nothing changed: once the bank is back, the same capture succeeds
        await().atMost(Duration.ofSeconds(60))
                .until(() -> call(
                                "POST",
                                "/api2/payments/{id}/capture",
                                Map.of("id", toCapture),
                                null,
                                merchant(),
                                200,
                                502)
                        .get("status")
                        .asString()
                        .equals("succeeded"));
    }

    /**
     * What every operation of a kind answers, from the document's own list of operations: 401 without credentials,
     * 400 for an unsupported {@code X-Version}, 413 and 415 on every POST, and 422 for an {@code Idempotency-Key}
     * reused with another body.
     */
    void genericRefusals() {
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String method = op.getKey().toUpperCase();
                    String template = path.getKey();
                    Map<String, String> ids = template.contains("{id}") ? Map.of("id", unknownId(template)) : Map.of();
                    boolean operator = template.startsWith("/admin/");
                    JsonNode responses = op.getValue().get("responses");
                    if (responses.has("401")) {
                        call(method, template, ids, null, h -> {}, 401);
                    }
                    if (responses.has("400") && !operator) {
                        call(
                                method,
                                template,
                                ids,
                                null,
                                h -> {
                                    merchant().accept(h);
                                    h.set("X-Version", "1999-01-01");
                                },
                                400);
                    }
                    Consumer<HttpHeaders> auth =
                            operator ? h -> h.set("X-Admin-Token", TestStack.ADMIN_TOKEN) : merchant();
                    if (responses.has("413")) {
                        call(method, template, ids, "{\"x\": \"" + "a".repeat(70_000) + "\"}", auth, 413);
                    }
                    if (responses.has("415")) {
                        raw(
                                method,
                                template,
                                ids,
                                "name=x",
                                h -> {
                                    auth.accept(h);
                                    h.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
                                },
                                415);
                    }
                    if (responses.has("422")) {
                        String idempotencyKey = "openapi-" + Ids.randomBase58(16);
                        call(
                                method,
                                template,
                                ids,
                                "{}",
                                h -> {
                                    auth.accept(h);
                                    h.set("Idempotency-Key", idempotencyKey);
                                },
                                400,
                                404);
                        call(
                                method,
                                template,
                                ids,
                                "{\"other\": 1}",
                                h -> {
                                    auth.accept(h);
                                    h.set("Idempotency-Key", idempotencyKey);
                                },
                                422);
                    }
                }));
    }

    // ---- helpers ----

    static String unknownId(String template) {
        if (template.startsWith("/api2/payments")) {
            return Ids.PAYMENT.next();
        } else if (template.startsWith("/api2/sessions")) {
            return Ids.SESSION.next();
        } else if (template.startsWith("/api2/refunds")) {
            return Ids.REFUND.next();
        } else if (template.startsWith("/api2/webhook-endpoints")) {
            return Ids.WEBHOOK_ENDPOINT.next();
        } else if (template.startsWith("/api2/webhook-deliveries")) {
            return Ids.WEBHOOK_DELIVERY.next();
        } else if (template.startsWith("/api2/events")) {
            return Ids.EVENT.next();
        } else if (template.startsWith("/api/v2/")) {
            return Ids.transactionId();
        } else if (template.startsWith("/admin/merchants")) {
            return Ids.MERCHANT.next();
        }
        return Ids.API_KEY.next();
    }

    static Consumer<HttpHeaders> merchant() {
        return h -> {
            h.set("X-Api-Key", key);
            h.set("X-Version", "2023-10-31");
        };
    }

    static String card(String number) {
        return "{\"type\": \"card\", \"card\": {\"number\": \"" + number + "\", \"cvc\": \"123\", \"expiryMonth\": 12, "
                + "\"expiryYear\": 2030, \"holderName\": \"TEST CARDHOLDER\"}}";
    }

    static String pay(String number) {
        return "{\"paymentMethod\": " + card(number) + "}";
    }

    String create(String number, String captureMethod) {
        return api(
                        "POST",
                        "/api2/payments",
                        Map.of(),
                        "{\"amount\": 3000, \"currency\": \"EUR\", \"captureMethod\": \"" + captureMethod
                                + "\", \"confirm\": true, \"paymentMethod\": " + card(number) + "}",
                        200)
                .get("id")
                .asString();
    }

    static JsonNode api(String method, String template, Map<String, String> vars, String body, int... expected) {
        return call(method, template, vars, body, merchant(), expected);
    }

    static JsonNode call(
            String method,
            String template,
            Map<String, String> vars,
            String body,
            Consumer<HttpHeaders> headers,
            int... expected) {
        return raw(
                method,
                template,
                vars,
                body,
                h -> {
                    headers.accept(h);
                    if (body != null && h.getContentType() == null) {
                        h.setContentType(MediaType.APPLICATION_JSON);
                    }
                },
                expected);
    }

    /** Sends one request, checks the answer against the document and records it; fails unless one of {@code expected}. */
    static JsonNode raw(
            String method,
            String template,
            Map<String, String> vars,
            String body,
            Consumer<HttpHeaders> headers,
            int... expected) {
        WebTestClient.RequestBodySpec spec =
                web.method(HttpMethod.valueOf(method)).uri(template, vars).headers(headers);
        EntityExchangeResult<String> result = (body == null ? spec : spec.bodyValue(body))
                .exchange()
                .expectBody(String.class)
                .returnResult();
        int status = result.getStatus().value();
        String text = result.getResponseBody();
        String op = method + " " + template;
        String where = op + " → " + status;
        if (java.util.Arrays.stream(expected).noneMatch(s -> s == status)) {
            throw new AssertionError(where + ", expected " + java.util.Arrays.toString(expected) + ": " + text);
        }
        answered.computeIfAbsent(op, k -> ConcurrentHashMap.newKeySet()).add(Integer.toString(status));
        JsonNode operation = document.path("paths").path(template).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            failures.add(where + ": the operation is not documented");
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        }
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            failures.add(where + ": the status is not documented");
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        }
        MediaType type = result.getResponseHeaders().getContentType();
        String mediaType = null;
        for (var media : response.path("content").properties()) {
            if (type != null && MediaType.parseMediaType(media.getKey()).isCompatibleWith(type)) {
                mediaType = media.getKey();
            }
        }
        if (mediaType == null) {
            failures.add(where + ": content type " + type + " is not documented");
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        }
        JsonNode instance = JSON.readTree(text);
        String schemaName =
                RESPONSE_SCHEMAS.get(op + " " + status + " " + mediaType).asString();
        Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_URI + "#/responses/" + schemaName));
        for (Error error : schema.validate(instance)) {
            failures.add(where + ": " + error);
        }
        if (status == 200) {
            cover(response.path("content").path(mediaType).get("schema"), instance, null);
        }
        return instance;
    }

    /** Marks every documented field the answer has, following the schema the way the validator does. */
    static void cover(JsonNode schema, JsonNode instance, String component) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asString();
            cover(document.at(ref.substring(1)), instance, ref.substring(ref.lastIndexOf('/') + 1));
            return;
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                for (JsonNode branch : schema.get(combinator)) {
                    if (matches(branch, instance)) {
                        cover(branch, instance, component);
                    }
                }
                return;
            }
        }
        if (instance.isObject() && schema.has("properties") && component != null) {
            for (var field : instance.properties()) {
                JsonNode property = schema.get("properties").get(field.getKey());
                if (property != null) {
                    fieldsSeen.add(component + "." + field.getKey());
                    cover(property, field.getValue(), null);
                }
            }
        } else if (instance.isArray() && schema.has("items")) {
            instance.forEach(item -> cover(schema.get("items"), item, null));
        }
    }

    static boolean matches(JsonNode branch, JsonNode instance) {
        if (branch.has("$ref")) {
            return schemas.getSchema(
                            SchemaLocation.of(DOCUMENT_URI + branch.get("$ref").asString()))
                    .validate(instance)
                    .isEmpty();
        }
        if (branch.path("type").asString("").equals("null")) {
            return instance.isNull();
        }
        return !instance.isNull();
    }

    /** Every property of every component a 200 schema reaches: {@code Component.field}. */
    static void fieldsOf(JsonNode schema, Set<String> fields, Set<String> visited) {
        if (schema == null) {
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asString();
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            if (visited.add(name)) {
                JsonNode component = document.at(ref.substring(1));
                component.path("properties").properties().forEach(p -> {
                    fields.add(name + "." + p.getKey());
                    fieldsOf(p.getValue(), fields, visited);
                });
            }
            return;
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            schema.path(combinator).forEach(branch -> fieldsOf(branch, fields, visited));
        }
        fieldsOf(schema.get("items"), fields, visited);
        schema.path("properties").properties().forEach(p -> fieldsOf(p.getValue(), fields, visited));
    }

    static String pathOf(String responseKey) {
        String[] parts = responseKey.split(" ");
        return parts[1];
    }
}
