package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.command.RefundCommand;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.WebhookReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/asyncapi.yaml} is the Kafka contract: every topic is a channel and every channel a topic, every logical
 * type in the code is a message, and every record the stack produces for a merchant of this test (driven through
 * the public API over as many paths as is cheap) has the key, the headers and the value its message documents.
 * The value schemas forbid undocumented fields, so a field added in the code fails here until it is documented.
 */
class AsyncApiContractIT {

    private static final JsonMapper JSON = PaygateJson.wire();
    /** Where the document is registered for the validator: its {@code #/components/...} references resolve in it. */
    private static final String DOCUMENT_URI = "https://paygate.dev/asyncapi.json";

    private static final String APPROVE = "4111111111111111";
    private static final String DECLINE = "4000000000000002";
    private static final String THREE_DS = "4000000000003220";
    private static final String REFUND_PENDING_THEN_FAILED = "4000000000005126";

    static JsonNode document;
    static SchemaRegistry schemas;
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    @BeforeAll
    static void readTheDocument() throws IOException {
        Path path = Stream.of(Path.of("..", "docs", "asyncapi.yaml"), Path.of("docs", "asyncapi.yaml"))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "docs/asyncapi.yaml not found from " + Path.of("").toAbsolutePath()));
        document = YAMLMapper.builder().build().readTree(Files.readString(path));
        // only the components (every payload, header and key schema is one, or refers to them): the document's other
        // top-level fields, such as AsyncAPI's "id", are not JSON Schema and must not be read as keywords
        ObjectNode schemaDocument = JsonNodeFactory.instance.objectNode();
        schemaDocument.set("components", document.get("components"));
        schemas = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(DOCUMENT_URI, JSON.writeValueAsString(schemaDocument)))
                        .schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .formatAssertionsEnabled(true)
                                .build()));
    }

    @Test
    void theChannelsAreExactlyTheTopics() {
        assertThat(document.get("asyncapi").asString()).isEqualTo("3.0.0");
        Map<String, JsonNode> channels = channelsByAddress();
        assertThat(channels.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        channels.forEach((address, channel) -> {
            assertThat(channel.path("bindings").path("kafka").path("topic").asString())
                    .as(address)
                    .isEqualTo(address);
            assertThat(messagesByName(channel)).as(address).isNotEmpty();
        });
    }

    @Test
    void everyLogicalTypeInTheCodeIsAMessage() {
        Map<String, JsonNode> channels = channelsByAddress();
        Set<String> eventTypes =
                Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet());
        Set<String> documentedEvents = new HashSet<>(
                messagesByName(channels.get(Topics.PAYMENT_EVENTS)).keySet());
        documentedEvents.addAll(
                messagesByName(channels.get(Topics.REFUND_EVENTS)).keySet());
        assertThat(documentedEvents).containsExactlyInAnyOrderElementsOf(eventTypes);
        assertThat(messagesByName(channels.get(Topics.REFUND_EVENTS)).keySet()).containsExactly("refund.updated");
        assertThat(messagesByName(channels.get(Topics.PAYMENT_COMMANDS)).keySet())
                .containsExactlyInAnyOrderElementsOf(typeNames(PaymentCommand.class));
        assertThat(messagesByName(channels.get(Topics.REFUND_COMMANDS)).keySet())
                .containsExactlyInAnyOrderElementsOf(typeNames(RefundCommand.class));
        assertThat(messagesByName(channels.get(Topics.COMMAND_REPLIES))).hasSize(1);
        assertThat(messagesByName(channels.get(Topics.WEBHOOK_DLQ))).hasSize(1);
        // the DLQ's eventType enumerates the event types too
        assertThat(resolve(document.at("/components/schemas/DeadLetter/properties/eventType"))
                        .get("enum"))
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrderElementsOf(eventTypes);
    }

    @Test
    void everyRecordTheStackProducesIsAsDocumented() throws Exception {
        String key = TestStack.newMerchantKey("AsyncAPI shop");
        Http api = new Http(key);
        Http secupay = Http.bearer(key);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Scenario scenario = drive(api, secupay, open);

            Set<String> expected = new TreeSet<>();
            channelsByAddress()
                    .values()
                    .forEach(channel -> expected.addAll(messagesByName(channel).keySet()));
            List<Produced> produced = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        produced.clear();
                        produced.addAll(ours(scan(), scenario.firstSessionId()));
                        Set<String> seen = produced.stream().map(Produced::type).collect(Collectors.toSet());
                        Set<String> reasons = produced.stream()
                                .filter(p -> p.topic().equals(Topics.WEBHOOK_DLQ))
                                .map(p -> p.value().path("reason").asString())
                                .collect(Collectors.toSet());
                        return seen.containsAll(expected)
                                && reasons.containsAll(Set.of("exhausted", "gone"))
                                && produced.stream()
                                        .anyMatch(p -> p.topic().equals(Topics.WEBHOOK_DLQ)
                                                && p.value().path("lastError").isString());
                    });

            Map<String, Integer> counts = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (Produced record : produced) {
                counts.merge(record.topic() + " " + record.type(), 1, Integer::sum);
                failures.addAll(check(record));
            }
            Map<String, Set<String>> headerNames = new TreeMap<>();
            produced.forEach(p -> headerNames
                    .computeIfAbsent(p.topic(), t -> new TreeSet<>())
                    .addAll(p.headers().keySet()));
            System.out.println("AsyncApiContractIT validated " + produced.size() + " records: " + counts
                    + "; headers by topic: " + headerNames);
            assertThat(failures)
                    .as(
                            "records that do not match docs/asyncapi.yaml (%s of %s records checked)",
                            failures.size(), produced.size())
                    .isEmpty();
            assertThat(counts.keySet().stream()
                            .map(k -> k.substring(k.indexOf(' ') + 1))
                            .collect(Collectors.toSet()))
                    .containsAll(expected);
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ driving the stack

    record Scenario(String firstSessionId) {}

    private static Scenario drive(Http api, Http secupay, List<AutoCloseable> open) throws IOException {
        // webhook endpoints whose deliveries fail, so dead letters appear: 500s until the (test) schedule is
        // exhausted, a 410 that gives up at once, and a port nobody listens on (no answer at all)
        WebhookReceiver failing = WebhookReceiver.start();
        open.add(failing);
        failing.answerAll(500);
        api.ok(
                "/api2/webhook-endpoints",
                "{\"url\": \"" + failing.url() + "\", \"enabledEvents\": [\"session.expired\"]}");
        WebhookReceiver gone = WebhookReceiver.start();
        open.add(gone);
        gone.answerAll(410);
        api.ok(
                "/api2/webhook-endpoints",
                "{\"url\": \"" + gone.url() + "\", \"enabledEvents\": [\"payment.canceled\"]}");
        api.ok(
                "/api2/webhook-endpoints",
                "{\"url\": \"http://127.0.0.1:" + closedPort()
                        + "/hooks\", \"enabledEvents\": [\"session.completed\"]}");

        // sessions: created with every field, expired, expired again (a refusal), and one paid
        JsonNode session = api.ok("/api2/sessions", """
                {"amount": 20000, "currency": "eur", "merchantReferenceId": "4002", "locale": "de-DE",
                 "successUrl": "https://shop.example/success", "failureUrl": "https://shop.example/failure",
                 "metadata": {"order": "42"},
                 "customerDetails": {"email": "payer@example.com", "name": "Pat Payer", "phone": "+4930123456",
                   "address": {"city": "Berlin", "country": "DE", "line1": "Street 1", "postalCode": "10115"}}}""");
        String sessionId = session.get("id").asString();
        api.ok("/api2/sessions/" + sessionId + "/expire", null);
        assertThat(api.post("/api2/sessions/" + sessionId + "/expire", null).status())
                .isEqualTo(409);
        String paidSession = api.ok(
                        "/api2/sessions",
                        "{\"amount\": 1500, \"currency\": \"EUR\", "
                                + "\"paymentData\": {\"captureMethod\": \"manual\"}}")
                .get("id")
                .asString();
        assertThat(api.ok(
                                "/api2/sessions/" + paidSession + "/pay",
                                "{\"paymentMethod\": {\"type\": \"card\", \"card\": " + card(APPROVE) + "}}")
                        .get("status")
                        .asString())
                .isEqualTo("completed");
        // the hosted page's 3-D Secure challenge, completed (session.authenticate)
        String challenged = api.ok(
                        "/api2/sessions",
                        "{\"amount\": 1600, \"currency\": \"EUR\", "
                                + "\"successUrl\": \"https://shop.example/ok\", \"failureUrl\": \"https://shop.example/ko\"}")
                .get("id")
                .asString();
        org.springframework.test.web.reactive.server.WebTestClient payer =
                org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                        .baseUrl(TestStack.gatewayUrl())
                        .responseTimeout(Duration.ofSeconds(40))
                        .build();
        String challenge = payer.post()
                .uri("/pay/" + challenged)
                .contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("cardNumber=" + THREE_DS + "&expiryMonth=12&expiryYear=2030&cvc=123")
                .exchange()
                .expectStatus()
                .isSeeOther()
                .expectBody(String.class)
                .returnResult()
                .getResponseHeaders()
                .getLocation()
                .toString();
        java.util.regex.Matcher challengedPayment =
                java.util.regex.Pattern.compile("payment=(p_[1-9A-Za-z]+)").matcher(challenge);
        assertThat(challengedPayment.find()).as("the address of the challenge").isTrue();
        payer.post()
                .uri("/pay/" + challenged + "/authenticate")
                .contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("payment=" + challengedPayment.group(1) + "&result=complete")
                .exchange()
                .expectStatus()
                .isSeeOther();

        // payments: created without a card then confirmed and captured in part; canceled; declined; 3-D Secure
        JsonNode bare = api.ok("/api2/payments", """
                {"amount": 5000, "currency": "EUR", "captureMethod": "manual", "description": "Order 42",
                 "merchantCustomerId": "cust-7", "metadata": {"k": "v"}, "returnUrl": "https://shop.example/return",
                 "setupFutureUsage": {"category": "unscheduled"},
                 "paymentMethodOptions": {"card": {"threeDSecureMode": "automatic", "verify": true}},
                 "customerDetails": {"name": "Pat Payer"}}""");
        String bareId = bare.get("id").asString();
        assertThat(api.ok(
                                "/api2/payments/" + bareId + "/confirm",
                                "{\"paymentMethod\": {\"type\": \"card\", \"card\": " + card(APPROVE) + "}}")
                        .get("status")
                        .asString())
                .isEqualTo("requiresCapture");
        assertThat(api.ok("/api2/payments/" + bareId + "/capture", "{\"amountToCapture\": 4000}")
                        .get("status")
                        .asString())
                .isEqualTo("succeeded");
        String toCancel = payment(api, APPROVE, "manual", 2500).get("id").asString();
        api.ok("/api2/payments/" + toCancel + "/cancel", "{\"cancellationReason\": \"requestedByCustomer\"}");
        Http.Answer declined = api.post("/api2/payments", paymentBody(DECLINE, "automatic", 700));
        assertThat(declined.status()).isEqualTo(402);
        String threeDs = payment(api, THREE_DS, "automatic", 900).get("id").asString();
        assertThat(api.ok("/api2/payments/" + threeDs + "/test-3ds", "{\"result\": \"success\"}")
                        .get("status")
                        .asString())
                .isEqualTo("succeeded");

        // refunds: one that succeeds and is reversed, one that is pending and then fails at the bank
        String refunded = payment(api, APPROVE, "automatic", 1000).get("id").asString();
        String refundId = api.ok(
                        "/api2/refunds",
                        "{\"paymentId\": \"" + refunded + "\", \"amount\": 400, "
                                + "\"reason\": \"duplicate\", \"metadata\": {\"ticket\": \"T-1\"}}")
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + refunded)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 400);
        assertThat(api.ok("/api2/refunds/" + refundId + "/test-reverse", "{\"reason\": \"Chargeback\"}")
                        .get("status")
                        .asString())
                .isEqualTo("failed");
        String failing5126 = payment(api, REFUND_PENDING_THEN_FAILED, "automatic", 4000)
                .get("id")
                .asString();
        String pendingId = api.ok("/api2/refunds", "{\"paymentId\": \"" + failing5126 + "\"}")
                .get("id")
                .asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "failed"
                        .equals(api.get("/api2/refunds/" + pendingId)
                                .body()
                                .get("status")
                                .asString()));

        // secupay: a partial cancellation of an authorization, and a cancel of a captured payment (a refund)
        String reduced =
                payment(api, APPROVE, "manual", 4985).get("transactionId").asString();
        Http.Answer lowered = secupay.post(
                "/api/v2/Payment/Transactions/" + reduced + "/cancel",
                "{\"reduce_amount_by\": 995, \"reason\": \"One piece less\"}");
        assertThat(lowered.status()).as("%s", lowered.body()).isEqualTo(200);
        String captured =
                payment(api, APPROVE, "automatic", 3000).get("transactionId").asString();
        Http.Answer refundedBySecupay = secupay.post("/api/v2/Payment/Transactions/" + captured + "/cancel", null);
        assertThat(refundedBySecupay.status())
                .as("%s", refundedBySecupay.body())
                .isEqualTo(200);
        assertThat(refundedBySecupay.body()).hasSize(2);
        return new Scenario(sessionId);
    }

    private static JsonNode payment(Http api, String card, String captureMethod, long amount) {
        return api.ok("/api2/payments", paymentBody(card, captureMethod, amount));
    }

    private static String paymentBody(String card, String captureMethod, long amount) {
        return "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": \"" + captureMethod
                + "\", \"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": " + card(card) + "}}";
    }

    private static String card(String number) {
        return "{\"number\": \"" + number + "\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, "
                + "\"holderName\": \"Pat Payer\"}";
    }

    /** A loopback port nobody listens on (a webhook endpoint there never answers). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------ reading the topics

    /** One record as read, with the logical type it claims (event type, command type, or the channel's one message). */
    record Produced(
            String topic,
            int partition,
            long offset,
            String key,
            Map<String, List<String>> headers,
            String rawValue,
            JsonNode value,
            String type) {

        String where() {
            return topic + "/" + partition + "@" + offset + " (" + type + ")";
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
        }
    }

    /** Every record on every Paygate topic, from the beginning. */
    private static List<Produced> scan() {
        List<Produced> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        DevInfrastructure.shared().kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "asyncapi-contract-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Topics.ALL.stream()
                    .flatMap(t -> consumer.partitionsFor(t).stream().map(p -> new TopicPartition(t, p.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    all.add(produced(r));
                }
            }
        }
        return all;
    }

    private static Produced produced(ConsumerRecord<String, byte[]> r) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.computeIfAbsent(h.key(), k -> new ArrayList<>())
                    .add(h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        String raw = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        JsonNode value;
        try {
            value = raw == null ? null : JSON.readTree(raw);
        } catch (RuntimeException e) {
            value = null;
        }
        String type = switch (r.topic()) {
            case Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS -> lastHeader(headers, "ce_type");
            case Topics.PAYMENT_COMMANDS, Topics.REFUND_COMMANDS ->
                value == null ? null : value.path("type").asString(null);
            default -> onlyMessageName(r.topic());
        };
        return new Produced(r.topic(), r.partition(), r.offset(), r.key(), headers, raw, value, type);
    }

    private static String lastHeader(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /**
     * The records this test caused: its merchant's commands, events and dead letters, and the replies to its
     * commands (other tests may share the topics).
     */
    private static List<Produced> ours(List<Produced> all, String firstSessionId) {
        String merchant = all.stream()
                .filter(p -> p.topic().equals(Topics.PAYMENT_COMMANDS)
                        && p.value() != null
                        && firstSessionId.equals(p.value().path("sessionId").asString(null)))
                .map(p -> p.value().path("merchantId").asString(null))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session.create for " + firstSessionId));
        Set<String> commandIds = new HashSet<>();
        List<Produced> ours = new ArrayList<>();
        for (Produced p : all) {
            boolean mine = switch (p.topic()) {
                case Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS -> merchant.equals(p.header("ce_merchantid"));
                case Topics.COMMAND_REPLIES -> false; // decided below, once every command is known
                default ->
                    p.value() != null
                            && merchant.equals(p.value().path("merchantId").asString(null));
            };
            if (mine) {
                ours.add(p);
                if (p.topic().equals(Topics.PAYMENT_COMMANDS) || p.topic().equals(Topics.REFUND_COMMANDS)) {
                    commandIds.add(p.value().path("commandId").asString(null));
                }
            }
        }
        all.stream()
                .filter(p -> p.topic().equals(Topics.COMMAND_REPLIES))
                .filter(p -> p.value() != null
                        && commandIds.contains(p.value().path("commandId").asString(null)))
                .forEach(ours::add);
        return ours;
    }

    // ------------------------------------------------------------------------------------------ checking a record

    /** What is wrong with a record, by the document: its message, key, headers and value. */
    private static List<String> check(Produced record) {
        List<String> failures = new ArrayList<>();
        JsonNode channel = channelsByAddress().get(record.topic());
        if (record.type() == null) {
            failures.add(record.where() + ": no logical type (ce_type header or JSON type)");
            return failures;
        }
        String messagePointer = messagePointersByName(channel).get(record.type());
        if (messagePointer == null) {
            failures.add(
                    record.where() + ": type " + record.type() + " is not documented on channel " + record.topic());
            return failures;
        }
        JsonNode message = document.at(messagePointer);
        record.headers().forEach((name, values) -> {
            if (values.size() > 1) {
                failures.add(record.where() + ": header " + name + " appears " + values.size() + " times");
            }
        });
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        record.headers().forEach((name, values) -> headers.put(name, values.get(values.size() - 1)));
        validate(record, "headers", messagePointer + "/headers", headers, failures);
        JsonNode key = record.key() == null
                ? JsonNodeFactory.instance.nullNode()
                : JsonNodeFactory.instance.stringNode(record.key());
        if (message.path("bindings").path("kafka").has("key")) {
            validate(record, "key", messagePointer + "/bindings/kafka/key", key, failures);
        } else {
            failures.add(record.where() + ": message " + messagePointer + " documents no key");
        }
        if (record.value() == null) {
            failures.add(record.where() + ": value is not JSON: " + record.rawValue());
        } else {
            validate(record, "value", messagePointer + "/payload", record.value(), failures);
        }
        return failures;
    }

    private static void validate(
            Produced record, String part, String pointer, JsonNode instance, List<String> failures) {
        Schema schema =
                SCHEMAS.computeIfAbsent(pointer, p -> schemas.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + p)));
        List<Error> errors = schema.validate(instance);
        for (Error error : errors) {
            failures.add(record.where() + " " + part + ": " + error + "\n      in " + abbreviate(instance.toString()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "…";
    }

    // ------------------------------------------------------------------------------------------ reading the document

    private static Map<String, JsonNode> channelsByAddress() {
        Map<String, JsonNode> channels = new HashMap<>();
        document.get("channels").properties().forEach(e -> {
            JsonNode channel = resolve(e.getValue());
            JsonNode previous = channels.put(channel.get("address").asString(), channel);
            assertThat(previous)
                    .as("two channels for " + channel.get("address"))
                    .isNull();
        });
        return channels;
    }

    /** The channel's messages by their {@code name}, each as a JSON pointer into the document. */
    private static Map<String, String> messagePointersByName(JsonNode channel) {
        Map<String, String> byName = new TreeMap<>();
        channel.get("messages").properties().forEach(e -> {
            JsonNode ref = e.getValue().get("$ref");
            assertThat(ref)
                    .as("channel messages are references to components/messages")
                    .isNotNull();
            String pointer = ref.asString().substring(1);
            String name = document.at(pointer).path("name").asString(null);
            assertThat(name).as(pointer + " has a name").isNotNull();
            assertThat(byName.put(name, pointer))
                    .as("two messages named " + name)
                    .isNull();
        });
        return byName;
    }

    private static Map<String, JsonNode> messagesByName(JsonNode channel) {
        Map<String, JsonNode> byName = new TreeMap<>();
        messagePointersByName(channel).forEach((name, pointer) -> byName.put(name, document.at(pointer)));
        return byName;
    }

    private static String onlyMessageName(String topic) {
        Map<String, String> messages = messagePointersByName(channelsByAddress().get(topic));
        assertThat(messages).as("messages of " + topic).hasSize(1);
        return messages.keySet().iterator().next();
    }

    /** A node, or what its local {@code $ref} points to. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(document.at(ref.asString().substring(1)));
    }

    private static List<String> typeNames(Class<?> type) {
        return Arrays.stream(type.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name)
                .toList();
    }
}
