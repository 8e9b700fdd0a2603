package dev.paygate.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.support.config.UndecodableMessageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;

class DecodedBatchTest {

    static List<ConsumerRecord<String, byte[]>> poll(String... values) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            records.add(new ConsumerRecord<>("t", 0, 40 + i, "k", values[i].getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    static Integer number(ConsumerRecord<String, byte[]> record) {
        return Integer.valueOf(new String(record.value(), StandardCharsets.UTF_8));
    }

    @Test
    void aPollThatDecodesIsAllValuesAndPassesNothing() {
        var records = poll("1", "2", "3");

        DecodedBatch<Integer> batch = DecodedBatch.decode(records, DecodedBatchTest::number, "number");

        assertThat(batch.values()).containsExactly(1, 2, 3);
        assertThat(batch.records()).containsExactlyElementsOf(records);
        assertThat(batch.hasUndecodable()).isFalse();
        batch.passUndecodable(); // throws nothing
    }

    @Test
    void decodingStopsAtTheFirstBadRecordAndPassingItNamesItsIndexAndOffset() {
        var records = poll("1", "2", "not a number", "4");
        List<Integer> decoded = new ArrayList<>();

        DecodedBatch<Integer> batch = DecodedBatch.decode(
                records,
                record -> {
                    Integer n = number(record);
                    decoded.add(n);
                    return n;
                },
                "number");

        // the records before the bad one, index for index; the one after it is not even decoded (it is redelivered)
        assertThat(batch.values()).containsExactly(1, 2);
        assertThat(batch.records()).containsExactly(records.get(0), records.get(1));
        assertThat(decoded).containsExactly(1, 2);
        assertThat(batch.hasUndecodable()).isTrue();
        assertThatThrownBy(batch::passUndecodable)
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        e -> assertThat(e.getIndex()).isEqualTo(2))
                .hasMessageContaining("undecodable number")
                .cause()
                .isInstanceOf(UndecodableMessageException.class)
                .hasMessage("number at offset 42")
                .hasCauseInstanceOf(NumberFormatException.class);
    }

    @Test
    void aBadFirstRecordLeavesNothingToApply() {
        DecodedBatch<Integer> batch = DecodedBatch.decode(poll("x", "2"), DecodedBatchTest::number, "number");

        assertThat(batch.values()).isEmpty();
        assertThatThrownBy(batch::passUndecodable)
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        e -> assertThat(e.getIndex()).isZero());
    }
}
