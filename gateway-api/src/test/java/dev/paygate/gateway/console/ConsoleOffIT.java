package dev.paygate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Without an admin token the ops console does not exist: every /console path is 404, and nothing consumes events. */
@SpringBootTest(
        classes = GatewayApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=gateway-api")
class ConsoleOffIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("gateway_console_off_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.gateway.admin-token", () -> "");
    }

    @LocalServerPort
    int port;

    @Autowired
    ConcurrentMessageListenerContainer<String, byte[]> consoleEventsContainer;

    @Test
    void everyConsolePathIsNotFoundAndNoEventsAreConsumed() {
        WebTestClient http = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        for (String path : new String[] {
            "/console",
            "/console/assets/console.js",
            "/console/api/status",
            "/console/api/dead-letters",
            "/console/events"
        }) {
            http.get()
                    .uri(path)
                    .header("X-Admin-Token", "")
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("resource_missing");
        }
        http.post()
                .uri("/console/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"token\": \"\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
        assertThat(consoleEventsContainer.isRunning()).isFalse();
    }
}
