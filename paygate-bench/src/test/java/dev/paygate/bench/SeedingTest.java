package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeding takes a late answer: a payment answered 202 (its outcome not known within the gateway's reply timeout) is
 * read until it is final, instead of stopping the benchmark. The gateway here is a stand-in on loopback that answers
 * as the real one does when the bank is slow: 202 with the id, then 404 until the payment exists, then the payment.
 */
class SeedingTest {

    HttpServer gateway;
    final AtomicInteger reads = new AtomicInteger();

    Api gateway(int readsBeforeItExists) throws IOException {
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/api2/payments", exchange -> {
            boolean create = exchange.getRequestMethod().equals("POST");
            exchange.getRequestBody().readAllBytes();
            int status;
            String body;
            if (create) {
                status = 202;
                body = "{\"id\":\"p_late\"}";
            } else if (reads.incrementAndGet() <= readsBeforeItExists) {
                status = 404;
                body = "{\"code\":\"resource_missing\"}";
            } else {
                status = 200;
                body = "{\"id\":\"p_late\",\"status\":\"succeeded\",\"amountReceived\":5000}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        gateway.start();
        return new Api("http://127.0.0.1:" + gateway.getAddress().getPort(), "sk_test_seeding");
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
    }

    @Test
    void aPaymentAnsweredLateIsAwaitedUntilItsOutcome() throws IOException {
        Api api = gateway(3);

        List<Load.Seeded> seeded = Benchmark.seed(api, 1, 5000);

        assertThat(seeded).containsExactly(new Load.Seeded("p_late", 5000));
        assertThat(reads).hasValue(4);
    }

    @Test
    void aPaymentThatNeverAppearsEndsTheWaitWithAClearError() throws IOException {
        Api api = gateway(Integer.MAX_VALUE);
        Api.Answer accepted = new Api.Answer(202, "{\"id\":\"p_late\"}");

        Api.Answer last =
                Benchmark.outcome(api, accepted, Duration.ofMillis(700)).join();

        assertThat(last.status()).isEqualTo(404);
        assertThat(reads.get()).isBetween(2, 10);
        assertThatThrownBy(() -> Benchmark.seed(api, 1, 5000, Duration.ofMillis(300)))
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("seeding a payment answered 404");
    }
}
