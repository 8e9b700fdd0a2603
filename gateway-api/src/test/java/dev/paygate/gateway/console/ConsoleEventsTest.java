package dev.paygate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The live feed's fan-out: what one event shows, and a slow subscriber losing its oldest events, not the feed. */
class ConsoleEventsTest {

    static ConsumerRecord<String, byte[]> record(StateChange change) {
        ProducerRecord<String, byte[]> produced = CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, change);
        ConsumerRecord<String, byte[]> consumed =
                new ConsumerRecord<>(produced.topic(), 0, 0, produced.key(), produced.value());
        produced.headers().forEach(h -> consumed.headers().add(h));
        return consumed;
    }

    static StateChange payment(int n) {
        String id = Ids.PAYMENT.next();
        return new StateChange(
                Ids.EVENT.next(),
                EventType.PAYMENT_SUCCEEDED,
                "/paygate/payment-service",
                Instant.parse("2026-12-01T12:00:00Z"),
                id,
                "mer_test",
                id,
                """
                {"id":"%s","amount":%d,"currency":"EUR","status":"succeeded",
                 "customerDetails":{"email":"jane@example.com","name":"Jane Roe"},
                 "paymentMethod":{"card":{"holderName":"Jane Roe","maskedNumber":"411111**1111"},"type":"card"},
                 "metadata":{"order":"secret-order"},"description":"a private description"}""".formatted(id, n));
    }

    @Test
    void anEventShowsItsIdsStatusAndAmountButNoCustomerOrCardData() {
        StateChange change = payment(4200);

        ConsoleEvent event = ConsoleEvent.of(change);

        assertThat(event)
                .isEqualTo(new ConsoleEvent(
                        change.id(),
                        "payment.succeeded",
                        change.subject(),
                        "succeeded",
                        4200L,
                        "EUR",
                        "mer_test",
                        change.time()));
    }

    @Test
    void aSlowSubscriberLosesItsOldestEventsWhileAFastOneGetsEveryOne() {
        ConsoleEvents events = new ConsoleEvents();
        List<String> ids = new ArrayList<>();
        List<ConsoleEvent> fast = new ArrayList<>();
        var fastSubscription = events.live().subscribe(fast::add);
        int total = ConsoleEvents.SUBSCRIBER_BUFFER + 44;

        StepVerifier.create(events.live(), 0)
                .then(() -> IntStream.range(0, total).forEach(i -> {
                    StateChange change = payment(i + 1);
                    ids.add(change.id());
                    events.publish(record(change));
                }))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(ConsoleEvents.SUBSCRIBER_BUFFER - 1)
                .assertNext(last -> assertThat(last.id()).isEqualTo(ids.get(total - 1)))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(fast).extracting(ConsoleEvent::id).containsExactlyElementsOf(ids);
        assertThat(events.dropped()).isEqualTo(44);
        fastSubscription.dispose();
    }

    @Test
    void anUnreadableRecordIsSkippedAndTheFeedGoesOn() {
        ConsoleEvents events = new ConsoleEvents();
        StateChange change = payment(1);

        StepVerifier.create(events.live())
                .then(() -> {
                    events.publish(new ConsumerRecord<>(Topics.PAYMENT_EVENTS, 0, 0, "k", "not an event".getBytes()));
                    events.publish(record(change));
                })
                .assertNext(e -> assertThat(e.id()).isEqualTo(change.id()))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }
}
