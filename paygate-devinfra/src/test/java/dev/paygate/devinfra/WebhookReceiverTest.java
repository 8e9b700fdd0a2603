package dev.paygate.devinfra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {

    // one pooled keep-alive client, as a dispatcher sends
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final WebhookReceiver receiver = WebhookReceiver.start();

    @AfterEach
    void close() {
        receiver.close();
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(receiver.url(path)))
                        .header("Webhook-Id", "msg_1")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keepsWhatArrivesAndAnswers200() throws Exception {
        assertThat(post("/hooks", "{\"a\":1}").statusCode()).isEqualTo(200);

        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/hooks");
            assertThat(r.body()).isEqualTo("{\"a\":1}");
            assertThat(r.header("webhook-id")).isEqualTo("msg_1"); // any case
        });
        assertThat(receiver.url()).isEqualTo("http://127.0.0.1:" + receiver.port() + "/hooks");
    }

    @Test
    void answersWhatItWasTold() throws Exception {
        receiver.answer("/flaky", 500, 503);
        receiver.retryAfter("/flaky", "7");
        receiver.always("/down", 410);
        receiver.redirect("/moved", "http://example.test/");

        assertThat(post("/flaky", "1").statusCode()).isEqualTo(500);
        HttpResponse<String> second = post("/flaky", "2");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(post("/flaky", "3").statusCode()).isEqualTo(200);
        assertThat(post("/down", "x").statusCode()).isEqualTo(410);
        receiver.heal("/down");
        assertThat(post("/down", "y").statusCode()).isEqualTo(200);
        HttpResponse<String> moved = post("/moved", "z");
        assertThat(moved.statusCode()).isEqualTo(302);
        assertThat(moved.headers().firstValue("Location")).hasValue("http://example.test/");
        receiver.answerAll(500);
        assertThat(post("/anything", "w").statusCode()).isEqualTo(500);
        assertThat(receiver.at("/flaky"))
                .extracting(WebhookReceiver.Received::body)
                .containsExactly("1", "2", "3");
    }

    @Test
    void answersLateWhenToldAndReportsEachAnswer() throws Exception {
        List<Integer> answered = new CopyOnWriteArrayList<>();
        receiver.onAnswered((request, status) -> answered.add(status));
        receiver.latency(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(post("/hooks", "late").statusCode()).isEqualTo(200);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(answered).containsExactly(200);
    }

    @Test
    void keepsTheLastNAndListsThemNewestFirst() throws Exception {
        receiver.keepLast(2)
                .listing(list -> list.stream()
                        .map(WebhookReceiver.Received::body)
                        .toList()
                        .toString());
        post("/inbox", "a");
        post("/inbox", "b");
        post("/inbox", "c");

        HttpResponse<String> listing = HTTP.send(
                HttpRequest.newBuilder(URI.create(receiver.url("/inbox"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(listing.body()).isEqualTo("[c, b]");
        assertThat(listing.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(receiver.received())
                .extracting(WebhookReceiver.Received::body)
                .containsExactly("b", "c");
    }
}
