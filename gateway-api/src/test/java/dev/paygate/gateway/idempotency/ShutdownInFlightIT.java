package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway instance stopped (SIGTERM: its context closed) while a request waits for its command's reply, as in a
 * rolling restart: the web server stops taking new connections and lets the request finish, and the reply still
 * reaches it — the reply consumer and the template stop only after the web server's graceful shutdown. They used to
 * stop first, and the request was left without its reply (requests still arriving got 500).
 */
class ShutdownInFlightIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);

    @Test
    void aRequestInFlightWhenTheInstanceStopsGetsItsReply() throws Exception {
        String db = INFRA.createDatabase("gateway_stop_it_" + Long.toHexString(System.nanoTime()));
        ConfigurableApplicationContext gateway = GatewayInstance.start(INFRA, db, KEY, Duration.ofSeconds(20));
        int port = GatewayInstance.port(gateway);
        String reference = "held-" + Ids.randomBase58(8);
        try (CommandResponder responder = new CommandResponder(INFRA.kafkaBootstrap())) {
            responder.behaviour = command -> CommandResponder.Behaviour.HOLD;
            CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api2/sessions"))
                                    .header("X-Api-Key", KEY)
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"amount\": 1000, \"currency\": \"EUR\", " + "\"merchantReferenceId\": \""
                                                    + reference + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !responder.withReference(reference).isEmpty());

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);
            // the graceful shutdown has begun: no new connection is taken
            await().atMost(Duration.ofSeconds(30)).until(() -> !accepts(port));
            CommandResponder.Command held = responder.withReference(reference).get(0);
            responder.reply(held, CommandReply.ok(held.commandId(), CommandResponder.resource(held)));

            assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                    .isEqualTo(200);
            stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            gateway.close();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
