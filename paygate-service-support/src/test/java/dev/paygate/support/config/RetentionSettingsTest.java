package dev.paygate.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.Topics;
import dev.paygate.support.retention.RetentionRule;
import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The retention settings that are checked without a broker or a database. */
class RetentionSettingsTest {

    final PaygateSupportAutoConfiguration configuration = new PaygateSupportAutoConfiguration();

    @Test
    void topicsAreCreatedWithTheRetentionAndSegmentTimeTheInboxIsCheckedAgainst() {
        PaygateProperties properties = new PaygateProperties();
        properties.getKafka().setTopicRetention(Duration.ofDays(3));
        properties.getKafka().setTopicSegment(Duration.ofHours(6));

        java.util.List<NewTopic> topics = PaygateSupportAutoConfiguration.newTopics(properties);

        assertThat(topics).extracting(NewTopic::name).containsExactlyElementsOf(Topics.ALL);
        assertThat(topics)
                .allSatisfy(t -> assertThat(t.configs())
                        .containsEntry(
                                "retention.ms", Long.toString(Duration.ofDays(3).toMillis()))
                        .containsEntry(
                                "segment.ms", Long.toString(Duration.ofHours(6).toMillis())));
    }

    @Test
    void anOutboxKeptShorterThanIdempotencyKeysIsRefused() {
        PaygateProperties properties = new PaygateProperties();
        properties.getRetention().setIdempotencyWindow(Duration.ofHours(24));
        properties.getRetention().setOutbox(Duration.ofHours(12));

        assertThatThrownBy(() -> configuration.outboxRetention(properties))
                .hasMessageContaining("paygate.retention.outbox (PT12H) is shorter than the gateway's idempotency");

        properties.getRetention().setOutbox(Duration.ofHours(24));
        assertThat(configuration.outboxRetention(properties).window()).isEqualTo(Duration.ofHours(24));
        properties.getRetention().setOutbox(Duration.ZERO); // kept for ever: nothing can be missing
        assertThat(configuration.outboxRetention(properties).keepsForever()).isTrue();
    }

    @Test
    void onlyPlainIdentifiersGoIntoTheStatements() {
        assertThatThrownBy(() -> RetentionRule.of("inbox; DROP TABLE inbox", "received_at", "id", Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RetentionRule.of("inbox", "received_at", "consumer, message_id", Duration.ofDays(1))
                        .table())
                .isEqualTo("inbox");
    }
}
