package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Admission control on a real gateway, broker and database: with as many writes in progress as the instance's limit
 * (their commands held unanswered), the next write is refused at once — 503 {@code overloaded} with
 * {@code Retry-After} — and publishes nothing and keeps no claim on its {@code Idempotency-Key}: sent again with
 * the same key once there is room, it runs, once.
 */
class OverloadIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);

    @Test
    void aWriteBeyondTheLimitIsRefusedAtOnceChangesNothingAndRunsOnceWhenSentAgain() throws Exception {
        String db = INFRA.createDatabase("gateway_overload_it_" + Long.toHexString(System.nanoTime()));
        ConfigurableApplicationContext gateway = GatewayInstance.start(
                INFRA,
                db,
                KEY,
                Duration.ofSeconds(30),
                "--paygate.gateway.admission.initial-limit=2",
                "--paygate.gateway.admission.min-limit=2",
                "--paygate.gateway.admission.max-limit=2");
        String base = "http://localhost:" + GatewayInstance.port(gateway);
        // one pooled client, keep-alive, as a merchant's
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String run = Ids.randomBase58(6);
        try (CommandResponder responder = new CommandResponder(INFRA.kafkaBootstrap())) {
            responder.behaviour = command -> CommandResponder.Behaviour.HOLD;
            List<CompletableFuture<HttpResponse<String>>> held = List.of(
                    http.sendAsync(create(base, run + "-held-1", run + "-k1"), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(create(base, run + "-held-2", run + "-k2"), HttpResponse.BodyHandlers.ofString()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !responder.withReference(run + "-held-1").isEmpty()
                            && !responder.withReference(run + "-held-2").isEmpty());

            long started = System.nanoTime();
            HttpResponse<String> refused =
                    http.send(create(base, run + "-third", run + "-k3"), HttpResponse.BodyHandlers.ofString());
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("\"code\":\"overloaded\"");
            // refused at once, not after the reply timeout (30 s) the held writes are waiting out
            assertThat(tookMillis).isLessThan(5_000);
            await().atMost(Duration.ofSeconds(10)).until(responder::caughtUp);
            assertThat(responder.withReference(run + "-third")).isEmpty();
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            assertThat(meters.get("paygate.admission.rejected").counter().count())
                    .isEqualTo(1);

            // room again: the held writes are answered
            for (String ref : List.of(run + "-held-1", run + "-held-2")) {
                CommandResponder.Command command = responder.withReference(ref).get(0);
                responder.reply(command, CommandReply.ok(command.commandId(), CommandResponder.resource(command)));
            }
            for (CompletableFuture<HttpResponse<String>> answer : held) {
                assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }

            // the refused write, sent again with its key, runs now — once — and is not a replay of the 503
            responder.behaviour = command -> CommandResponder.Behaviour.ANSWER;
            HttpResponse<String> again =
                    http.send(create(base, run + "-third", run + "-k3"), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
            HttpResponse<String> replay =
                    http.send(create(base, run + "-third", run + "-k3"), HttpResponse.BodyHandlers.ofString());
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            await().atMost(Duration.ofSeconds(10)).until(responder::caughtUp);
            assertThat(responder.withReference(run + "-third")).hasSize(1);
        } finally {
            gateway.close();
        }
    }

    private static HttpRequest create(String base, String reference, String idempotencyKey) {
        return HttpRequest.newBuilder(URI.create(base + "/api2/sessions"))
                .header("X-Api-Key", KEY)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 1000, \"currency\": \"EUR\", "
                        + "\"merchantReferenceId\": \"" + reference + "\"}"))
                .build();
    }
}
