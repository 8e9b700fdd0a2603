package dev.paygate.support.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class OrderedCallsTest {

    /** A call that ends when the test says so. */
    static final class Held {
        final Sinks.One<String> end = Sinks.one();
        final AtomicInteger starts = new AtomicInteger();

        Mono<String> call() {
            starts.incrementAndGet();
            return end.asMono();
        }
    }

    @Test
    void callsOfOneKeyRunOneAfterAnotherInOrderWhileOtherKeysRunAtOnce() {
        OrderedCalls calls = new OrderedCalls(100);
        Map<String, Integer> running = new ConcurrentHashMap<>();
        AtomicInteger overlapping = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger now = new AtomicInteger();
        List<String> order = Collections.synchronizedList(new ArrayList<>());

        // 20 keys × 10 calls each, every call taking a random few milliseconds on another thread
        Flux<String> all = Flux.range(0, 200)
                .flatMap(
                        i -> {
                            String key = "p" + (i % 20);
                            String id = key + ":" + (i / 20);
                            return calls.submit(
                                    key,
                                    () -> Mono.fromCallable(() -> {
                                                if (running.merge(key, 1, Integer::sum) > 1) {
                                                    overlapping.incrementAndGet();
                                                }
                                                mostAtOnce.accumulateAndGet(now.incrementAndGet(), Math::max);
                                                order.add(id);
                                                return id;
                                            })
                                            .delayElement(Duration.ofMillis(1 + (i * 7) % 5), Schedulers.parallel())
                                            .doOnNext(done -> {
                                                now.decrementAndGet();
                                                running.merge(key, -1, Integer::sum);
                                            }));
                        },
                        200);

        StepVerifier.create(all).expectNextCount(200).verifyComplete();
        assertThat(overlapping).as("calls of one key overlapping").hasValue(0);
        assertThat(mostAtOnce.get()).as("keys running at once").isGreaterThan(10);
        for (int k = 0; k < 20; k++) {
            String key = "p" + k;
            List<String> ofKey =
                    order.stream().filter(id -> id.startsWith(key + ":")).toList();
            assertThat(ofKey)
                    .as("order of %s", key)
                    .containsExactly(java.util.stream.IntStream.range(0, 10)
                            .mapToObj(n -> key + ":" + n)
                            .toArray(String[]::new));
        }
        assertThat(calls.inFlight()).isZero();
        assertThat(calls.queued()).isZero();
    }

    @Test
    void atMostMaxInFlightRunAndTheRestWaitTheirTurn() {
        OrderedCalls calls = new OrderedCalls(3);
        List<Held> held = new ArrayList<>();
        List<Mono<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Held h = new Held();
            held.add(h);
            Mono<String> result = calls.submit("key" + i, h::call).cache();
            result.subscribe();
            results.add(result);
        }
        assertThat(calls.inFlight()).isEqualTo(3);
        assertThat(calls.queued()).isEqualTo(2);
        assertThat(held.get(3).starts).hasValue(0);

        held.get(1).end.tryEmitValue("one");
        assertThat(held.get(3).starts).hasValue(1);
        assertThat(held.get(4).starts).hasValue(0);
        assertThat(calls.started()).isEqualTo(4);
        StepVerifier.create(results.get(1)).expectNext("one").verifyComplete();
    }

    @Test
    void aFailedCallLetsTheNextOfItsKeyRunAndReportsItsError() {
        OrderedCalls calls = new OrderedCalls(10);
        Held second = new Held();
        Mono<String> first = calls.submit("p", () -> Mono.error(new IllegalStateException("bank said no")));
        Mono<String> then = calls.submit("p", second::call);

        StepVerifier.create(first).expectErrorMessage("bank said no").verify();
        StepVerifier.create(then)
                .then(() -> second.end.tryEmitValue("ok"))
                .expectNext("ok")
                .verifyComplete();
    }

    @Test
    void aCallThatThrowsWhenMadeFreesItsSlot() {
        OrderedCalls calls = new OrderedCalls(1);
        StepVerifier.create(calls.submit("p", () -> {
                    throw new IllegalArgumentException("no call");
                }))
                .expectErrorMessage("no call")
                .verify();
        StepVerifier.create(calls.submit("p", () -> Mono.just("next")))
                .expectNext("next")
                .verifyComplete();
    }

    @Test
    void aCallCancelledBeforeItsTurnNeverRunsAndTheOneBehindItDoes() {
        OrderedCalls calls = new OrderedCalls(1);
        Held running = new Held();
        Held cancelled = new Held();
        Held behind = new Held();
        calls.submit("a", running::call).subscribe();
        var subscription = calls.submit("b", cancelled::call).subscribe();
        Mono<String> last = calls.submit("b", behind::call).cache();
        last.subscribe();

        subscription.dispose();
        running.end.tryEmitValue("done");

        assertThat(cancelled.starts).hasValue(0);
        assertThat(behind.starts).hasValue(1);
        behind.end.tryEmitValue("behind");
        StepVerifier.create(last).expectNext("behind").verifyComplete();
    }

    @Test
    void aConsumerWaitsForRoomUntilTheQueueDrains() throws Exception {
        OrderedCalls calls = new OrderedCalls(1);
        Held first = new Held();
        calls.submit("a", first::call).subscribe();
        calls.submit("b", () -> Mono.just("b")).subscribe();
        calls.submit("c", () -> Mono.just("c")).subscribe();

        assertThat(calls.awaitRoom(1, Duration.ofMillis(50)))
                .as("two wait, room for one")
                .isFalse();
        Schedulers.parallel()
                .schedule(() -> first.end.tryEmitValue("a"), 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(calls.awaitRoom(0, Duration.ofSeconds(10))).isTrue();
        assertThat(calls.queued()).isZero();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new OrderedCalls(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
