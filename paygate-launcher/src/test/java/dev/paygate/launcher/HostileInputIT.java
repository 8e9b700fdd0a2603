package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input at scale (property-based, jqwik): requests to every public endpoint with exactly one thing wrong —
 * a field of the wrong type, a float or string or negative or huge amount, an unknown field, deep nesting, a body
 * that is not an object or not JSON or over 64 KiB, a bad id of any prefix, a missing, bad or foreign key, a bad
 * version, a wrong method or media type, a too long idempotency key. Every one must get a 4xx problem+json with a
 * {@code code}, never a 5xx, and change nothing: the merchant's sessions, payments, refunds, endpoints, events and
 * idempotency keys, and the merchants and keys, are the same before and after. 2,000 tries in {@code ./mvnw verify};
 * {@code -Djqwik.tries.default=10000} for the full run.
 */
class HostileInputIT {

    static String key;
    static String foreignKey;
    static Map<String, String> ids = new LinkedHashMap<>();
    static String before;
    static final org.springframework.test.web.reactive.server.WebTestClient CLIENT =
            org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                    .responseTimeout(Duration.ofSeconds(15))
                    .build();
    static final AtomicLong sent = new AtomicLong();

    /** One endpoint: its method and path (with {placeholders}), a valid body (null when it takes none). */
    record Target(String method, String path, String body) {
        boolean hasId() {
            return path.contains("{");
        }
    }

    static final String CARD = "{\"type\": \"card\", \"card\": {\"number\": \"4111111111111111\", \"cvc\": \"123\", "
            + "\"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"T\"}}";

    static final List<Target> TARGETS = List.of(
            new Target(
                    "POST",
                    "/api2/sessions",
                    "{\"amount\": 1000, \"currency\": \"EUR\", \"metadata\": {\"k\": \"v\"}}"),
            new Target("GET", "/api2/sessions/{session}", null),
            new Target("POST", "/api2/sessions/{session}/expire", null),
            new Target("POST", "/api2/sessions/{session}/pay", "{\"paymentMethod\": " + CARD + "}"),
            new Target(
                    "POST",
                    "/api2/payments",
                    "{\"amount\": 1000, \"currency\": \"EUR\", \"captureMethod\": \"manual\"}"),
            new Target("GET", "/api2/payments/{authorized}", null),
            new Target("POST", "/api2/payments/{authorized}/capture", "{\"amountToCapture\": 100}"),
            new Target("POST", "/api2/payments/{authorized}/cancel", "{\"cancellationReason\": \"duplicate\"}"),
            new Target("POST", "/api2/payments/{authorized}/confirm", "{\"paymentMethod\": " + CARD + "}"),
            new Target("POST", "/api2/payments/{authorized}/test-3ds", "{\"result\": \"success\"}"),
            new Target("POST", "/api2/refunds", "{\"paymentId\": \"{captured}\", \"amount\": 1}"),
            new Target("GET", "/api2/refunds/{refund}", null),
            new Target("GET", "/api2/payments/{captured}/refunds", null),
            new Target(
                    "POST",
                    "/api2/webhook-endpoints",
                    "{\"url\": \"https://hooks.example.com/x\", \"enabledEvents\": [\"*\"], \"description\": \"d\"}"),
            new Target("GET", "/api2/webhook-endpoints/{endpoint}", null),
            new Target("POST", "/api2/webhook-endpoints/{endpoint}", "{\"description\": \"changed\"}"),
            new Target("GET", "/api2/webhook-endpoints/{endpoint}/deliveries", null),
            new Target("POST", "/api2/webhook-endpoints/{endpoint}/recover", "{\"since\": \"2026-01-01T00:00:00Z\"}"),
            new Target("GET", "/api2/events/{event}", null),
            new Target("POST", "/api/v2/Payment/Transactions/{transaction}/cancel", "{\"reduce_amount_by\": 1}"),
            new Target("GET", "/api/v2/Payment/Transactions/{transaction}", null));

    @BeforeContainer
    static void fixture() {
        key = TestStack.newMerchantKey("Hostile shop");
        foreignKey = TestStack.newMerchantKey("Bystander shop");
        Http api = new Http(key);
        ids.put(
                "session",
                api.ok("/api2/sessions", "{\"amount\": 1000, \"currency\": \"EUR\"}")
                        .get("id")
                        .asString());
        ids.put(
                "authorized",
                api.ok(
                                "/api2/payments",
                                "{\"amount\": 5000, \"currency\": \"EUR\", \"captureMethod\": "
                                        + "\"manual\", \"confirm\": true, \"paymentMethod\": " + CARD + "}")
                        .get("id")
                        .asString());
        JsonNode captured = api.ok(
                "/api2/payments",
                "{\"amount\": 5000, \"currency\": \"EUR\", \"captureMethod\": "
                        + "\"automatic\", \"confirm\": true, \"paymentMethod\": " + CARD + "}");
        ids.put("captured", captured.get("id").asString());
        ids.put("transaction", captured.get("transactionId").asString());
        ids.put(
                "refund",
                api.ok("/api2/refunds", "{\"paymentId\": \"" + ids.get("captured") + "\", \"amount\": 100}")
                        .get("id")
                        .asString());
        ids.put(
                "endpoint",
                api.ok(
                                "/api2/webhook-endpoints",
                                "{\"url\": \"https://hooks.example.com/h\", \"enabledEvents\": [\"*\"]}")
                        .get("id")
                        .asString());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/events?limit=1").body().get("data").size() == 1);
        ids.put(
                "event",
                api.get("/api2/events?limit=1")
                        .body()
                        .get("data")
                        .get(0)
                        .get("id")
                        .asString());
        // the fixture's own events and webhooks settle first: two equal readings in a row
        AtomicReference<String> last = new AtomicReference<>("");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> fingerprint().equals(last.getAndSet(fingerprint())));
        before = fingerprint();
    }

    @AfterContainer
    static void nothingChanged() throws java.io.IOException {
        System.out.println("hostile requests sent: " + sent.get());
        assertThat(fingerprint()).isEqualTo(before);
        // the row ./faults adds to the fault suite's table: every request refused with a 4xx problem, stores unchanged
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(
                java.nio.file.Path.of("target", "hostile-input-row.md"),
                String.format(
                        "| hostile-input (%d endpoints, one thing wrong in each request) | %d | 0 | – | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | – |%n",
                        TARGETS.size(), sent.get()));
    }

    /** What none of the hostile requests may change. */
    static String fingerprint() {
        String merchant = "(SELECT merchant_id FROM payment.sessions WHERE id = '" + ids.get("session") + "')";
        return TestStack.count(
                        "SELECT count(*) + coalesce(sum(version), 0) * 1000 FROM payment.sessions WHERE merchant_id = "
                                + merchant)
                + "/"
                + TestStack.count(
                        "SELECT count(*) + coalesce(sum(version), 0) * 1000 FROM payment.payments WHERE merchant_id = "
                                + merchant)
                + "/"
                + TestStack.count(
                        "SELECT count(*) + coalesce(sum(version), 0) * 1000 FROM refund.refunds WHERE merchant_id = "
                                + merchant)
                + "/"
                + TestStack.count("SELECT count(*) FROM webhook.endpoints WHERE merchant_id = " + merchant) + "/"
                + TestStack.count("SELECT coalesce(sum(length(url) + length(coalesce(description, '')) + length(status)"
                        + " + cardinality(enabled_events)), 0) FROM webhook.endpoints WHERE merchant_id = " + merchant)
                + "/"
                + TestStack.count("SELECT count(*) FROM webhook.events WHERE merchant_id = " + merchant) + "/"
                + TestStack.count("SELECT count(*) FROM gateway.idempotency_keys WHERE merchant_id = " + merchant) + "/"
                + TestStack.count("SELECT count(*) FROM gateway.merchants") + "/"
                + TestStack.count("SELECT count(*) FROM gateway.api_keys") + "/"
                + TestStack.count(
                        "SELECT amount_canceled FROM payment.payments WHERE id = '" + ids.get("authorized") + "'");
    }

    /** A hostile request: a target and the one thing wrong with it. */
    record Hostile(Target target, String mutation, String value) {}

    @Provide
    Arbitrary<Hostile> hostile() {
        Arbitrary<Target> targets = Arbitraries.of(TARGETS);
        return targets.flatMap(t -> mutations(t).map(m -> new Hostile(t, m[0], m[1])));
    }

    /** The mutations that make {@code t} certainly invalid, each with a generated value. */
    static Arbitrary<String[]> mutations(Target t) {
        Arbitrary<String> junk = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u001f')
                        .ofMinLength(1)
                        .ofMaxLength(10),
                Arbitraries.strings()
                        .withCharRange('\u0400', '\u04ff')
                        .ofMinLength(1)
                        .ofMaxLength(20),
                Arbitraries.of(
                        "' OR '1'='1",
                        "\"; DROP TABLE payments; --",
                        "<script>alert(1)</script>",
                        "${jndi:ldap://x/a}",
                        "../../etc/passwd",
                        "%00",
                        "\uD83D\uDCA3",
                        "\u202E",
                        "NaN",
                        "-0",
                        "1e309"));
        Arbitrary<String> badIds = Arbitraries.oneOf(
                        junk,
                        Arbitraries.of(Ids.values()).map(kind -> kind.prefix() + Ids.randomBase58(7)),
                        Arbitraries.of(Ids.values()).map(kind -> kind.prefix() + "0OIl" + Ids.randomBase58(40)),
                        Arbitraries.of("p_", "ps_", "re_", "we_", "evt_", "PCI_", "PCI_abc", "pci_" + "A".repeat(30)))
                .filter(id -> !id.isBlank());
        List<Arbitrary<String[]>> options = new java.util.ArrayList<>(List.of(
                Arbitraries.of("none", "garbage", "space inside", "Bearer").map(k -> new String[] {"key", k}),
                junk.map(v -> new String[] {"version", "v" + v}),
                Arbitraries.of("PUT", "PATCH").map(m -> new String[] {"method", m})));
        if (t.hasId()) {
            options.add(badIds.map(id -> new String[] {"id", id}));
            options.add(Arbitraries.just(new String[] {"foreign", ""}));
        }
        if (t.body() != null) {
            options.add(Arbitraries.of(
                            "[]",
                            "[1,2]",
                            "42",
                            "\"text\"",
                            "null",
                            "true",
                            "{",
                            "{\"a\":",
                            "}{",
                            "\u0000",
                            "{\"a\": 1} trailing",
                            "{'single': 1}")
                    .map(b -> new String[] {"body", b}));
            options.add(junk.map(name -> new String[] {"unknown", "zz_" + name}));
            options.add(Arbitraries.integers().between(200, 3000).map(depth -> new String[] {"nesting", "" + depth}));
            options.add(
                    Arbitraries.integers().between(65 * 1024, 200 * 1024).map(n -> new String[] {"oversized", "" + n}));
            options.add(Arbitraries.of("text/plain", "application/xml", "multipart/form-data; boundary=x")
                    .map(type -> new String[] {"media", type}));
            options.add(Arbitraries.strings()
                    .alpha()
                    .ofMinLength(256)
                    .ofMaxLength(400)
                    .map(k -> new String[] {"idempotency", k}));
            options.add(Combinators.combine(
                            Arbitraries.integers().between(0, 9),
                            Arbitraries.of(
                                    "9.5",
                                    "\"100\"",
                                    "-1",
                                    "0",
                                    "1e20",
                                    "99999999999999999999999",
                                    "true",
                                    "[]",
                                    "{}",
                                    "[1]",
                                    "\"\"",
                                    "12345678901234",
                                    "-99999999"))
                    .as((which, value) -> new String[] {"field", which + ":" + value}));
        }
        return Arbitraries.oneOf(options);
    }

    @Property(seed = "20261122", shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void everyHostileRequestIsRefusedAsAProblemAndChangesNothing(@ForAll("hostile") Hostile h) throws Exception {
        Request r = build(h);
        if (r == null) {
            return; // the mutation does not apply to this target's body (e.g. no field of that kind)
        }
        if (Boolean.getBoolean("paygate.hostile.trace")) {
            System.out.println("hostile " + sent.get() + ": " + h.mutation() + " " + abbreviate(h.value()) + " "
                    + r.method + " " + abbreviate(r.path) + " " + r.headers.keySet() + " " + abbreviate(r.body));
        }
        var spec = CLIENT.method(org.springframework.http.HttpMethod.valueOf(r.method))
                .uri(URI.create(TestStack.gatewayUrl() + r.path));
        r.headers.forEach(spec::header);
        org.springframework.test.web.reactive.server.EntityExchangeResult<String> result;
        try {
            result = (r.body == null ? spec : spec.bodyValue(r.body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .exchange()
                    .expectBody(String.class)
                    .returnResult();
        } catch (RuntimeException e) {
            diagnose();
            throw e;
        }
        sent.incrementAndGet();
        Answer answer = new Answer(
                result.getStatus().value(),
                result.getResponseBody() == null ? "" : result.getResponseBody(),
                String.valueOf(result.getResponseHeaders().getContentType()));
        String what =
                h.mutation() + " on " + h.target().method() + " " + h.target().path() + ": " + abbreviate(h.value())
                        + " -> " + answer.statusCode() + " " + abbreviate(answer.body());
        assertThat(answer.statusCode()).as(what).isBetween(400, 499);
        assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
        JsonNode problem = PaygateJson.wire().readTree(answer.body());
        assertThat(problem.path("code").isString()).as(what).isTrue();
        assertThat(problem.path("status").asInt()).as(what).isEqualTo(answer.statusCode());
        assertThat(answer.body()).as(what).doesNotContain(key).doesNotContain("4111111111111111");
    }

    /**
     * Merchant isolation (docs/api.md, "Conventions"), every endpoint that names a resource: another merchant's valid
     * key gets 404, exactly as for a resource that does not exist (nothing tells the two apart), and changes nothing
     * (checked after the container).
     */
    @net.jqwik.api.Example
    void anotherMerchantGets404OnEveryEndpointThatNamesAResource() {
        int checked = 0;
        for (Target t : TARGETS) {
            if (!t.hasId() && (t.body() == null || !t.body().contains("{captured}"))) {
                continue;
            }
            Request r = build(new Hostile(t, "foreign", ""));
            var spec = CLIENT.method(org.springframework.http.HttpMethod.valueOf(r.method))
                    .uri(URI.create(TestStack.gatewayUrl() + r.path));
            r.headers.forEach(spec::header);
            var result = (r.body == null
                            ? spec
                            : spec.bodyValue(r.body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .exchange()
                    .expectBody(String.class)
                    .returnResult();
            String what = t.method() + " " + t.path() + " with another merchant's key -> " + result.getResponseBody();
            assertThat(result.getStatus().value()).as(what).isEqualTo(404);
            assertThat(PaygateJson.wire()
                            .readTree(result.getResponseBody())
                            .path("code")
                            .asString())
                    .as(what)
                    .isEqualTo("resource_missing");
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(16);
    }

    /** When a request gets no answer: what the services' connection pools and the database are doing. */
    static void diagnose() {
        var stack = TestStack.get();
        for (var context : List.of(stack.gateway(), stack.payment(), stack.webhook())) {
            context.getBeansOfType(io.r2dbc.pool.ConnectionPool.class)
                    .forEach((name, pool) -> pool.getMetrics()
                            .ifPresent(m -> System.out.println("pool " + context.getId() + ": acquired "
                                    + m.acquiredSize() + ", idle " + m.idleSize() + ", pending "
                                    + m.pendingAcquireSize() + ", max " + m.getMaxAllocatedSize())));
        }
        try (var c = java.sql.DriverManager.getConnection(
                        TestStack.jdbcUrl(),
                        dev.paygate.devinfra.DevInfrastructure.shared().dbUser(),
                        dev.paygate.devinfra.DevInfrastructure.shared().dbPassword());
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT state, now() - state_change, left(query, 150) FROM pg_stat_activity "
                        + "WHERE backend_type = 'client backend' AND state <> 'idle' ORDER BY 2 DESC LIMIT 20")) {
            while (rs.next()) {
                System.out.println("db: " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        } catch (java.sql.SQLException e) {
            System.out.println("db: " + e);
        }
    }

    record Request(String method, String path, Map<String, String> headers, String body) {}

    record Answer(int statusCode, String body, String contentType) {}

    static Request build(Hostile h) {
        Target t = h.target();
        String path = t.path();
        for (var id : ids.entrySet()) {
            path = path.replace("{" + id.getKey() + "}", id.getValue());
        }
        String body = t.body() == null ? null : t.body().replace("{captured}", ids.get("captured"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Api-Key", key);
        headers.put("X-Version", "2023-10-31");
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        String method = t.method();
        switch (h.mutation()) {
            case "key" -> {
                headers.remove("X-Api-Key");
                switch (h.value()) {
                    case "garbage" -> headers.put("X-Api-Key", "sk_test_" + Ids.randomBase58(32));
                    case "space inside" -> headers.put("X-Api-Key", "sk_test_ " + Ids.randomBase58(10));
                    case "Bearer" -> headers.put("Authorization", "Bearer " + Ids.randomBase58(20));
                    default -> {}
                }
            }
            case "version" -> headers.put("X-Version", printable(h.value()));
            case "method" -> method = h.value();
            case "id" -> {
                String id = java.net.URLEncoder.encode(h.value(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20");
                path = path.replaceFirst(
                        "(p_|ps_|re_|we_|evt_|PCI_)[A-Za-z0-9]+", java.util.regex.Matcher.quoteReplacement(id));
            }
            case "foreign" -> headers.put("X-Api-Key", foreignKey);
            case "body" -> body = h.value();
            case "unknown" -> body = withField(body, h.value(), "1");
            case "nesting" -> {
                int depth = Integer.parseInt(h.value());
                body = withField(body, "zz_nested", "[".repeat(depth) + "]".repeat(depth));
            }
            case "oversized" ->
                body = withField(body, "zz_padding", "\"" + "x".repeat(Integer.parseInt(h.value())) + "\"");
            case "media" -> headers.put("Content-Type", h.value());
            case "idempotency" -> headers.put("Idempotency-Key", h.value());
            case "field" -> {
                String[] parts = h.value().split(":", 2);
                body = withWrongField(body, Integer.parseInt(parts[0]), parts[1]);
                if (body == null) {
                    return null;
                }
            }
            default -> throw new IllegalStateException(h.mutation());
        }
        return new Request(method, path, headers, body);
    }

    /** Adds a raw JSON field to an object body. */
    static String withField(String body, String name, String rawValue) {
        String field = PaygateJson.wire().writeValueAsString(name) + ": " + rawValue;
        return "{" + field + (body.trim().equals("{}") ? "" : ", " + body.trim().substring(1));
    }

    /**
     * Replaces the n-th (mod the count) number or string field of the body with a value of the wrong kind for it —
     * never one that could be valid: numbers get floats, strings, out-of-range or non-numbers; strings get
     * non-strings. Null when the body has no such field.
     */
    static String withWrongField(String body, int which, String raw) {
        ObjectNode tree = (ObjectNode) PaygateJson.wire().readTree(body);
        List<String> names = new java.util.ArrayList<>();
        tree.propertyNames().forEach(n -> {
            if (tree.get(n).isNumber() || tree.get(n).isString()) {
                names.add(n);
            }
        });
        if (names.isEmpty()) {
            return null;
        }
        String name = names.get(which % names.size());
        boolean number = tree.get(name).isNumber();
        boolean couldBeValid =
                number ? raw.matches("-?\\d{1,8}") && !raw.startsWith("-") && !raw.equals("0") : raw.startsWith("\"");
        if (couldBeValid) {
            raw = number ? "\"" + raw + "\"" : "[" + raw + "]";
        }
        tree.set(name, PaygateJson.wire().readTree(raw));
        return PaygateJson.wire().writeValueAsString(tree);
    }

    static String printable(String s) {
        // header values must be visible ASCII for the client to send them at all
        String visible = s.replaceAll("[^\\x21-\\x7e]", "?");
        return visible.isEmpty() ? "?" : visible;
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
