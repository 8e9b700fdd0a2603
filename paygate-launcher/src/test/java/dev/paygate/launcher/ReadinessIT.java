package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.restartable.RestartableKafka;
import dev.paygate.devinfra.restartable.RestartablePostgres;
import dev.paygate.payment.PaymentServiceApplication;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * /actuator/health/readiness follows the service's PostgreSQL and Kafka: a real broker killed and a real database
 * crashed take it DOWN (503, so a load balancer or Kubernetes stops sending traffic), and it comes back UP when they
 * do; liveness stays UP all the while (nothing is gained by restarting a service whose database is away).
 */
class ReadinessIT {

    @TempDir
    Path dir;

    @Test
    void readinessGoesDownWithKafkaOrPostgresAndUpAgain() throws Exception {
        try (RestartableKafka kafka = new RestartableKafka(dir.resolve("kafka"), 0, 0, 2)
                        .start(Topics.ALL, 2, Duration.ofMinutes(2));
                RestartablePostgres postgres = new RestartablePostgres(dir.resolve("pg"), 0).start()) {
            String jdbcUrl = postgres.database("readiness");
            try (ConfigurableApplicationContext service = PaymentServiceApplication.builder()
                    .run(
                            "--spring.kafka.bootstrap-servers=" + kafka.bootstrap(),
                            "--paygate.db.url=" + jdbcUrl,
                            "--paygate.db.user=" + postgres.user(),
                            "--paygate.db.password=" + postgres.password(),
                            "--paygate.kafka.partitions=2",
                            "--paygate.health.kafka-timeout=1s",
                            "--server.port=0",
                            "--spring.main.banner-mode=off",
                            "--spring.main.register-shutdown-hook=false")) {
                WebTestClient http = WebTestClient.bindToServer()
                        .baseUrl("http://localhost:"
                                + ((WebServerApplicationContext) service)
                                        .getWebServer()
                                        .getPort())
                        .responseTimeout(Duration.ofSeconds(30))
                        .build();
                awaitReadiness(http, 200, "kafka", "UP");
                assertThat(component(health(http, "readiness").getResponseBody(), "r2dbc"))
                        .isEqualTo("UP");

                kafka.kill();
                awaitReadiness(http, 503, "kafka", "DOWN");
                assertThat(health(http, "liveness").getStatus().value()).isEqualTo(200);
                kafka.start(Topics.ALL, 2, Duration.ofMinutes(2));
                awaitReadiness(http, 200, "kafka", "UP");

                postgres.crash();
                awaitReadiness(http, 503, "r2dbc", "DOWN");
                assertThat(health(http, "liveness").getStatus().value()).isEqualTo(200);
                postgres.start();
                awaitReadiness(http, 200, "r2dbc", "UP");
            }
        }
    }

    /** Waits for readiness to answer {@code status} with {@code component} (kafka, r2dbc) in {@code state}. */
    private static void awaitReadiness(WebTestClient http, int status, String component, String state) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    EntityExchangeResult<String> result = health(http, "readiness");
                    assertThat(result.getStatus().value())
                            .as(result.getResponseBody())
                            .isEqualTo(status);
                    assertThat(component(result.getResponseBody(), component))
                            .as(result.getResponseBody())
                            .isEqualTo(state);
                });
    }

    private static String component(String health, String name) {
        return dev.paygate.contracts.json.PaygateJson.wire()
                .readTree(health)
                .path("components")
                .path(name)
                .path("status")
                .asString();
    }

    private static EntityExchangeResult<String> health(WebTestClient http, String group) {
        return http.get()
                .uri("/actuator/health/" + group)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }
}
