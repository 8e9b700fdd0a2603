package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import dev.paygate.gateway.auth.MerchantStore;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.idempotency.CommandResponder.Behaviour;
import dev.paygate.gateway.idempotency.CommandResponder.Command;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Idempotency keys (docs/api.md, "Conventions") on the gateway alone, on real Kafka and PostgreSQL. A
 * {@link CommandResponder} plays payment-service so each test decides how and when a command is answered: at once, late
 * (after the 202), never, with a refusal or with a 5xx. "One command published" is counted after the responder has read
 * every command on the topic, so no second one can still be on its way.
 */
@SpringBootTest(
        classes = GatewayApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=gateway-api")
class IdempotencyKeysIT {

    /** The id of the merchant the gateway creates for a demo start (auth.DemoMerchant). */
    static final String DEMO_MERCHANT = "mer_demo";

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);
    static final String OTHER_KEY = "sk_test_" + Ids.randomBase58(32);
    static final String SESSIONS = "/api2/sessions";
    static final List<String> dispatcherCalls = new CopyOnWriteArrayList<>();
    static HttpServer dispatcher;
    static CommandResponder responder;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        String db = INFRA.createDatabase("gateway_idem_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.gateway.demo-api-key", () -> KEY);
        registry.add("paygate.gateway.reply-timeout", () -> "1s");
        registry.add("paygate.gateway.payment-url", () -> "http://127.0.0.1:9"); // a 202 answers {id}
        dispatcher = fakeDispatcher();
        registry.add(
                "paygate.gateway.webhook-url",
                () -> "http://127.0.0.1:" + dispatcher.getAddress().getPort());
    }

    /** webhook-dispatcher's internal create endpoint: counts calls, answers a new endpoint with its secret. */
    static HttpServer fakeDispatcher() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/webhook-endpoints", exchange -> {
            dispatcherCalls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("{\"id\":\"" + Ids.WEBHOOK_ENDPOINT.next() + "\",\"secret\":\"whsec_" + Ids.randomBase58(32)
                            + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @LocalServerPort
    int port;

    @Autowired
    CommandBus commandBus;

    @Autowired
    MerchantStore merchants;

    @Autowired
    DatabaseClient db;

    @Autowired
    dev.paygate.support.retention.Retention retention;

    WebTestClient api;

    @BeforeEach
    void connect() throws InterruptedException {
        assertThat(commandBus.awaitReplyAssignment(Duration.ofSeconds(30))).isTrue();
        api = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        if (responder == null) {
            responder = new CommandResponder(INFRA.kafkaBootstrap());
            // the merchantReferenceId of a created session (or the behaviour set for a session) decides
            responder.behaviour = command -> {
                String ref = command.reference() == null ? "" : command.reference();
                if (ref.startsWith("hold-")) {
                    return Behaviour.HOLD;
                }
                if (ref.startsWith("refuse-")) {
                    return Behaviour.REFUSE_409;
                }
                if (ref.startsWith("fail-once-")) {
                    return responder.withReference(ref).size() == 1 ? Behaviour.FAIL_500 : Behaviour.ANSWER;
                }
                return Behaviour.ANSWER;
            };
        }
    }

    @AfterAll
    static void stop() {
        if (responder != null) {
            responder.close();
        }
        dispatcher.stop(0);
    }

    @Test
    void theSameKeyAndBodyRunOnceAndReplayTheFirstAnswerByteForByte() {
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);

        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, session(ref));
        EntityExchangeResult<String> second = post(KEY, SESSIONS, key, session(ref));

        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(first.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(second.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.getResponseBodyContent()).isEqualTo(first.getResponseBodyContent());
        assertThat(second.getResponseHeaders().getContentType())
                .isEqualTo(first.getResponseHeaders().getContentType());
        assertThat(json(first).get("merchantReferenceId").asString()).isEqualTo(ref);
        assertPublished(ref, 1);
    }

    @Test
    void theKeyWithAnotherBodyOrPathIsRefusedAndRunsNothing() {
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        post(KEY, SESSIONS, key, session(ref));
        String sessionId =
                json(post(KEY, SESSIONS, key, session(ref))).get("id").asString();

        EntityExchangeResult<String> otherBody =
                post(KEY, SESSIONS, key, session(ref).replace("1000", "1001"));
        EntityExchangeResult<String> otherPath = post(KEY, SESSIONS + "/" + sessionId + "/expire", key, null);

        for (EntityExchangeResult<String> refused : List.of(otherBody, otherPath)) {
            assertProblem(refused, 422, "idempotency_key_reused", "Idempotency-Key");
        }
        assertPublished(ref, 1);
        assertThat(responder.forSession(sessionId)).hasSize(1); // no expire
    }

    @Test
    void aRetryWhileTheFirstRequestRunsAnswers409() {
        String ref = "hold-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        CompletableFuture<EntityExchangeResult<String>> first =
                CompletableFuture.supplyAsync(() -> post(KEY, SESSIONS, key, session(ref)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> responder.withReference(ref).size() == 1);

        assertProblem(post(KEY, SESSIONS, key, session(ref)), 409, "idempotency_key_in_use", "Idempotency-Key");
        // the first request gives up waiting: 202, and the key stays in use while the command runs
        assertThat(first.join().getStatus().value()).isEqualTo(202);
        assertProblem(post(KEY, SESSIONS, key, session(ref)), 409, "idempotency_key_in_use", "Idempotency-Key");
        assertPublished(ref, 1);
    }

    @Test
    void aReplyAfterThe202BecomesTheAnswerToEveryRetry() {
        String ref = "hold-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, session(ref));
        assertThat(first.getStatus().value()).isEqualTo(202);
        Command command = responder.withReference(ref).get(0);
        assertThat(json(first).get("id").asString()).isEqualTo(command.sessionId());

        JsonNode finalSession = CommandResponder.resource(command);
        responder.reply(command, CommandReply.ok(command.commandId(), finalSession));

        EntityExchangeResult<String> retry = awaitAnswerOtherThan409(key, session(ref));
        assertThat(retry.getStatus().value()).isEqualTo(200);
        assertThat(retry.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(retry.getResponseBody()).isEqualTo(PaygateJson.wire().writeValueAsString(finalSession));
        assertPublished(ref, 1);
    }

    @Test
    void aLateRefusalIsStoredAndALate5xxFreesTheKey() {
        String refusedRef = "hold-" + Ids.randomBase58(8);
        String refusedKey = "order-" + Ids.randomBase58(12);
        assertThat(post(KEY, SESSIONS, refusedKey, session(refusedRef))
                        .getStatus()
                        .value())
                .isEqualTo(202);
        Command refused = responder.withReference(refusedRef).get(0);
        responder.reply(
                refused, CommandReply.problem(refused.commandId(), 409, "session_invalid_status", "Not open.", null));

        EntityExchangeResult<String> retry = awaitAnswerOtherThan409(refusedKey, session(refusedRef));
        assertProblem(retry, 409, "session_invalid_status", null);
        assertThat(retry.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertPublished(refusedRef, 1);

        String failedRef = "hold-" + Ids.randomBase58(8);
        String failedKey = "order-" + Ids.randomBase58(12);
        assertThat(post(KEY, SESSIONS, failedKey, session(failedRef))
                        .getStatus()
                        .value())
                .isEqualTo(202);
        Command failed = responder.withReference(failedRef).get(0);
        responder.reply(failed, CommandReply.problem(failed.commandId(), 500, "internal_error", "Oops.", null));

        // the key is freed: the retry runs again (and, held again, answers 202)
        await().atMost(Duration.ofSeconds(20))
                .until(() -> post(KEY, SESSIONS, failedKey, session(failedRef))
                                .getStatus()
                                .value()
                        == 202);
        assertPublished(failedRef, 2);
    }

    @Test
    void a5xxIsNotStoredAndTheRetryRunsAgain() {
        String ref = "fail-once-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);

        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, session(ref));
        EntityExchangeResult<String> second = post(KEY, SESSIONS, key, session(ref));
        EntityExchangeResult<String> third = post(KEY, SESSIONS, key, session(ref));

        assertThat(first.getStatus().value()).isEqualTo(500);
        assertThat(second.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(third.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(third.getResponseBody()).isEqualTo(second.getResponseBody());
        assertPublished(ref, 2);
    }

    @Test
    void aRefusalBelow500IsStoredAndReplayed() {
        String ref = "refuse-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);

        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, session(ref));
        EntityExchangeResult<String> second = post(KEY, SESSIONS, key, session(ref));

        assertProblem(first, 409, "session_invalid_status", null);
        assertThat(second.getStatus().value()).isEqualTo(409);
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.getResponseBodyContent()).isEqualTo(first.getResponseBodyContent());
        assertThat(second.getResponseHeaders().getContentType())
                .isEqualTo(first.getResponseHeaders().getContentType());
        assertPublished(ref, 1);
    }

    @Test
    void aStoredValidationProblemIsTheProblemTheGatewayAnswersWithoutAKey() {
        String invalid = "{\"amount\": 0, \"currency\": \"EUR\"}";
        String key = "order-" + Ids.randomBase58(12);

        EntityExchangeResult<String> withoutKey = post(KEY, SESSIONS, null, invalid);
        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, invalid);
        EntityExchangeResult<String> replay = post(KEY, SESSIONS, key, invalid);

        assertProblem(withoutKey, 400, "amount_invalid", "amount");
        assertThat(first.getResponseBody()).isEqualTo(withoutKey.getResponseBody());
        assertThat(first.getResponseHeaders().getContentType())
                .isEqualTo(withoutKey.getResponseHeaders().getContentType());
        assertThat(replay.getResponseBody()).isEqualTo(withoutKey.getResponseBody());
        assertThat(replay.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    void keysBelongToOneMerchant() {
        String otherMerchant = "mer_" + Ids.randomBase58(16);
        merchants
                .createMerchant(otherMerchant, "Other")
                .then(merchants.addKey(otherMerchant, OTHER_KEY))
                .block(Duration.ofSeconds(10));
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);

        EntityExchangeResult<String> demo = post(KEY, SESSIONS, key, session(ref));
        EntityExchangeResult<String> other = post(OTHER_KEY, SESSIONS, key, session(ref));
        // another body is no reuse either: it is another merchant's key
        EntityExchangeResult<String> otherBody = post(OTHER_KEY, SESSIONS, "second-" + key, session(ref));
        EntityExchangeResult<String> demoOtherBody =
                post(KEY, SESSIONS, "second-" + key, session(ref).replace("1000", "2000"));

        for (EntityExchangeResult<String> answer : List.of(demo, other, otherBody, demoOtherBody)) {
            assertThat(answer.getStatus().value()).isEqualTo(200);
            assertThat(answer.getResponseHeaders().getFirst("Idempotent-Replayed"))
                    .isNull();
        }
        assertThat(json(other).get("id").asString())
                .isNotEqualTo(json(demo).get("id").asString());
        assertPublished(ref, 4);
        assertThat(responder.withReference(ref).stream()
                        .map(c -> c.json().get("merchantId").asString()))
                .containsExactlyInAnyOrder(DEMO_MERCHANT, otherMerchant, otherMerchant, DEMO_MERCHANT);
    }

    @Test
    void aKeyMustHave1To255Characters() {
        String ref = "ok-" + Ids.randomBase58(8);

        assertProblem(post(KEY, SESSIONS, "k".repeat(256), session(ref)), 400, "parameter_invalid", "Idempotency-Key");
        assertProblem(post(KEY, SESSIONS, "", session(ref)), 400, "parameter_invalid", "Idempotency-Key");
        assertPublished(ref, 0);
        assertThat(post(KEY, SESSIONS, Ids.randomBase58(255), session(ref))
                        .getStatus()
                        .value())
                .isEqualTo(200);
        assertPublished(ref, 1);
    }

    @Test
    void withoutAKeyEveryPostRuns() {
        String ref = "ok-" + Ids.randomBase58(8);

        EntityExchangeResult<String> first = post(KEY, SESSIONS, null, session(ref));
        EntityExchangeResult<String> second = post(KEY, SESSIONS, null, session(ref));

        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(second.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(json(second).get("id").asString())
                .isNotEqualTo(json(first).get("id").asString());
        assertPublished(ref, 2);
    }

    @Test
    void expiringASessionWithAKeyRunsOnce() {
        String sessionId = json(post(KEY, SESSIONS, null, session("ok-" + Ids.randomBase58(8))))
                .get("id")
                .asString();
        String key = "expire-" + Ids.randomBase58(12);

        EntityExchangeResult<String> first = post(KEY, SESSIONS + "/" + sessionId + "/expire", key, null);
        EntityExchangeResult<String> second = post(KEY, SESSIONS + "/" + sessionId + "/expire", key, null);

        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(json(first).get("status").asString()).isEqualTo("expired");
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.getResponseBodyContent()).isEqualTo(first.getResponseBodyContent());
        await().atMost(Duration.ofSeconds(20)).until(responder::caughtUp);
        assertThat(responder.forSession(sessionId))
                .extracting(Command::type)
                .containsExactly("session.create", "session.expire");
    }

    @Test
    void creatingAWebhookEndpointWithAKeyRunsOnceAndReplaysTheSameSecret() {
        String body = "{\"url\": \"https://example.com/hooks/" + Ids.randomBase58(8)
                + "\", \"enabledEvents\": [\"session.expired\"]}";
        String key = "hook-" + Ids.randomBase58(12);

        EntityExchangeResult<String> first = post(KEY, "/api2/webhook-endpoints", key, body);
        EntityExchangeResult<String> second = post(KEY, "/api2/webhook-endpoints", key, body);

        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.getResponseBodyContent()).isEqualTo(first.getResponseBodyContent());
        assertThat(dispatcherCalls.stream().filter(body::equals)).hasSize(1);
    }

    @Test
    void aClientThatHangsUpGetsTheAnswerWhenItRetries() {
        String ref = "hold-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        WebTestClient impatient =
                api.mutate().responseTimeout(Duration.ofMillis(200)).build();

        assertThatThrownBy(() -> impatient
                        .post()
                        .uri(SESSIONS)
                        .header("X-Api-Key", KEY)
                        .header("Idempotency-Key", key)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(session(ref))
                        .exchange()
                        .expectBody(String.class)
                        .returnResult())
                .isInstanceOf(IllegalStateException.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> responder.withReference(ref).size() == 1);
        Command command = responder.withReference(ref).get(0);
        // answered at once: usually before the gateway's reply timeout, so the request that is gone gets it
        responder.reply(command, CommandReply.ok(command.commandId(), CommandResponder.resource(command)));

        EntityExchangeResult<String> retry = awaitAnswerOtherThan409(key, session(ref));
        assertThat(retry.getStatus().value()).isEqualTo(200);
        assertThat(json(retry).get("id").asString()).isEqualTo(command.sessionId());
        assertPublished(ref, 1);
    }

    @Test
    void aKeyLeftInUseByAGatewayThatDiedIsTakenOverAndRunAgainUnderTheSameCommandId() {
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        RequestHash hashes = new RequestHash(new dev.paygate.gateway.GatewayProperties().getIdempotencyHashKey());
        insertRow(
                key,
                hashes.of("POST", SESSIONS, session(ref)),
                "in_flight",
                "now() - interval '1 minute'",
                "now() - interval '1 second'");

        EntityExchangeResult<String> retry = post(KEY, SESSIONS, key, session(ref));

        assertThat(retry.getStatus().value()).isEqualTo(200);
        assertPublished(ref, 1);
        // the id the dead gateway's run gave its command too: a service that applied it answers with its first reply
        assertThat(responder.withReference(ref).get(0).commandId())
                .isEqualTo(hashes.commandId(DEMO_MERCHANT, key, 0))
                .matches("cmd_[1-9A-HJ-NP-Za-km-z]{32}");
        EntityExchangeResult<String> again = post(KEY, SESSIONS, key, session(ref));
        assertThat(again.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getResponseBody()).isEqualTo(retry.getResponseBody());
        assertPublished(ref, 1);
    }

    @Test
    void aKeyStillLockedIsNotTakenOver() {
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "order-" + Ids.randomBase58(12);
        insertRow(
                key,
                new RequestHash(new dev.paygate.gateway.GatewayProperties().getIdempotencyHashKey())
                        .of("POST", SESSIONS, session(ref)),
                "in_flight",
                "now() - interval '1 second'",
                "now() + interval '1 minute'");

        EntityExchangeResult<String> retry = post(KEY, SESSIONS, key, session(ref));

        assertProblem(retry, 409, "idempotency_key_in_use", "Idempotency-Key");
        assertPublished(ref, 0);
    }

    @Test
    void theSameKeyGivesTheSameCommandIdsAndAnotherKeyOthers() {
        RequestHash hashes = new RequestHash("a-hash-key-of-sixteen-or-more");
        assertThat(hashes.commandId("mer_1", "k", 0))
                .isEqualTo(hashes.commandId("mer_1", "k", 0))
                .isNotEqualTo(hashes.commandId("mer_1", "k", 1))
                .isNotEqualTo(hashes.commandId("mer_2", "k", 0))
                .isNotEqualTo(hashes.commandId("mer_1", "k2", 0))
                .isNotEqualTo(new RequestHash("another-hash-key-of-sixteen").commandId("mer_1", "k", 0));
    }

    @Test
    void thePurgeRemovesKeysPastTheRetentionOnly() {
        String prefix = "purge-" + Ids.randomBase58(8) + "-";
        String hash = new RequestHash(new dev.paygate.gateway.GatewayProperties().getIdempotencyHashKey())
                .of("POST", SESSIONS, "{}");
        insertRow(prefix + "old-done", hash, "done", "now() - interval '25 hours'", "now() - interval '25 hours'");
        insertRow(
                prefix + "old-abandoned",
                hash,
                "in_flight",
                "now() - interval '25 hours'",
                "now() - interval '1 hour'");
        insertRow(
                prefix + "old-awaiting", hash, "in_flight", "now() - interval '25 hours'", "now() + interval '1 hour'");
        insertRow(prefix + "recent-done", hash, "done", "now() - interval '23 hours'", "now() - interval '23 hours'");

        dev.paygate.support.retention.RetentionRule keys = keysRule();
        assertThat(retention.purge(keys).block(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(2L);

        assertThat(db.sql("SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key LIKE :prefix")
                        .bind("prefix", prefix + "%")
                        .map(row -> row.get(0, String.class))
                        .all()
                        .collectList()
                        .block(Duration.ofSeconds(10)))
                .containsExactlyInAnyOrder(prefix + "old-awaiting", prefix + "recent-done");
    }

    @Test
    void aKeyInsideItsWindowOutlivesThePurgeAndStillReplaysItsFirstAnswer() {
        String ref = "ok-" + Ids.randomBase58(8);
        String key = "kept-" + Ids.randomBase58(12);
        EntityExchangeResult<String> first = post(KEY, SESSIONS, key, session(ref));
        assertThat(first.getStatus().value()).isEqualTo(200);
        dev.paygate.support.retention.RetentionRule keys = keysRule();

        retention.purge(keys).block(Duration.ofSeconds(10));
        EntityExchangeResult<String> replay = post(KEY, SESSIONS, key, session(ref));

        assertThat(replay.getStatus().value()).isEqualTo(200);
        assertThat(replay.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(replay.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertPublished(ref, 1);
    }

    // --- helpers

    dev.paygate.support.retention.RetentionRule keysRule() {
        return retention.rules().stream()
                .filter(rule -> rule.table().equals("idempotency_keys"))
                .findFirst()
                .orElseThrow();
    }

    static String session(String reference) {
        return "{\"amount\": 1000, \"currency\": \"EUR\", \"merchantReferenceId\": \"" + reference + "\"}";
    }

    EntityExchangeResult<String> post(String apiKey, String uri, String idempotencyKey, String body) {
        WebTestClient.RequestBodySpec spec = api.post().uri(uri).header("X-Api-Key", apiKey);
        if (idempotencyKey != null) {
            spec.header("Idempotency-Key", idempotencyKey);
        }
        WebTestClient.RequestHeadersSpec<?> request = body == null
                ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return request.exchange().expectBody(String.class).returnResult();
    }

    /** Retries, as a merchant would, until the key is no longer in use. */
    EntityExchangeResult<String> awaitAnswerOtherThan409(String key, String body) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> post(KEY, SESSIONS, key, body),
                        answer -> answer.getStatus().value() != 409
                                || !"idempotency_key_in_use"
                                        .equals(json(answer).get("code").asString()));
    }

    static JsonNode json(EntityExchangeResult<String> result) {
        return PaygateJson.wire().readTree(result.getResponseBody());
    }

    static void assertProblem(EntityExchangeResult<String> result, int status, String code, String param) {
        assertThat(result.getStatus().value()).isEqualTo(status);
        assertThat(result.getResponseHeaders().getContentType()).isNotNull();
        assertThat(result.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .isTrue();
        JsonNode problem = json(result);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asString()).isEqualTo(code);
        if (param == null) {
            assertThat(problem.has("param")).isFalse();
        } else {
            assertThat(problem.get("param").asString()).isEqualTo(param);
        }
    }

    static void assertPublished(String reference, int commands) {
        await().atMost(Duration.ofSeconds(20)).until(responder::caughtUp);
        assertThat(responder.withReference(reference)).hasSize(commands);
    }

    void insertRow(String key, String hash, String status, String createdAt, String lockedUntil) {
        boolean done = status.equals("done");
        db.sql("INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, status, response_status,"
                        + " response_content_type, response_body, created_at, completed_at, locked_until) VALUES (:merchant,"
                        + " :key, :hash, :status, " + (done ? "200, 'application/json', '{}', " : "NULL, NULL, NULL, ")
                        + createdAt + ", " + (done ? createdAt : "NULL") + ", " + lockedUntil + ")")
                .bind("merchant", DEMO_MERCHANT)
                .bind("key", key)
                .bind("hash", hash)
                .bind("status", status)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
    }
}
