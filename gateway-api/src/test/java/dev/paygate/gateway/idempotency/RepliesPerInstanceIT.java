package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two gateway instances on one broker and one database, as in a cluster, with a {@link CommandResponder} answering
 * every command at once: each instance reads the reply topic in a consumer group of its own, so every request gets
 * its reply, on whichever instance it arrived. Were the two in one group, the reply topic's partitions would be
 * split between them and about half of the replies would reach the instance that did not send the command: those
 * requests would end as 202 (outcome unknown) after the reply timeout.
 */
class RepliesPerInstanceIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);
    static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();
    static CommandResponder responder;

    @BeforeAll
    static void start() throws InterruptedException {
        String db = INFRA.createDatabase("gateway_two_it_" + Long.toHexString(System.nanoTime()));
        for (int i = 0; i < 2; i++) {
            INSTANCES.add(GatewayInstance.start(INFRA, db, KEY, Duration.ofSeconds(3)));
        }
        responder = new CommandResponder(INFRA.kafkaBootstrap());
    }

    @AfterAll
    static void stop() {
        if (responder != null) {
            responder.close();
        }
        INSTANCES.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void eachInstanceReadsRepliesInAGroupOfItsOwn() {
        List<String> groups = INSTANCES.stream()
                .map(c -> c.getBean("replyContainer", ConcurrentMessageListenerContainer.class)
                        .getContainerProperties()
                        .getGroupId())
                .toList();

        assertThat(groups).doesNotHaveDuplicates().allSatisfy(g -> assertThat(g).startsWith("gateway-replies-"));
    }

    @Test
    void everyCommandIsAnsweredOnTheInstanceThatSentIt() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int port = GatewayInstance.port(INSTANCES.get(i % 2));
            WebTestClient api = WebTestClient.bindToServer()
                    .baseUrl("http://localhost:" + port)
                    .responseTimeout(Duration.ofSeconds(20))
                    .defaultHeader("X-Api-Key", KEY)
                    .build();
            statuses.add(api.post()
                    .uri("/api2/sessions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"amount\": 1000, \"currency\": \"EUR\"}")
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value());
        }

        assertThat(statuses)
                .as("200: the reply reached the instance that waited for it; 202: it did not")
                .containsOnly(200);
    }
}
