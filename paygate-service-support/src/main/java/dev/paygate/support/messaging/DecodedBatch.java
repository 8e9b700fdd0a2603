package dev.paygate.support.messaging;

import dev.paygate.support.config.UndecodableMessageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * A batch listener's poll, decoded up to the first record that does not decode: the one rule every batch listener
 * keeps for a bad record. The listener applies {@link #values()} (the records before the bad one), then calls
 * {@link #passUndecodable()}: if a record did not decode, that throws a {@link BatchListenerFailedException} naming its
 * index, and the container's error handler commits what came before it, passes the bad record (not retryable:
 * {@link UndecodableMessageException}) and redelivers the rest. Nothing is skipped silently, and nothing after a bad
 * record is applied before it.
 *
 * @param <T> what a record decodes to
 */
public final class DecodedBatch<T> {

    private final String what;
    private final List<T> values;
    private final List<ConsumerRecord<String, byte[]>> records;
    private final ConsumerRecord<String, byte[]> undecodable;
    private final int undecodableIndex;
    private final RuntimeException why;

    private DecodedBatch(
            String what,
            List<T> values,
            List<ConsumerRecord<String, byte[]>> records,
            int undecodableIndex,
            ConsumerRecord<String, byte[]> undecodable,
            RuntimeException why) {
        this.what = what;
        this.values = Collections.unmodifiableList(values);
        this.records = Collections.unmodifiableList(records);
        this.undecodableIndex = undecodableIndex;
        this.undecodable = undecodable;
        this.why = why;
    }

    /**
     * Decodes {@code records} in order with {@code decoder} until one throws; {@code what} names a record in the
     * failure ("refund command").
     */
    public static <T> DecodedBatch<T> decode(
            List<ConsumerRecord<String, byte[]>> records,
            Function<ConsumerRecord<String, byte[]>, T> decoder,
            String what) {
        List<T> values = new ArrayList<>(records.size());
        List<ConsumerRecord<String, byte[]>> decoded = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            try {
                values.add(decoder.apply(record));
                decoded.add(record);
            } catch (RuntimeException e) {
                return new DecodedBatch<>(what, values, decoded, i, record, e);
            }
        }
        return new DecodedBatch<>(what, values, decoded, -1, null, null);
    }

    /** The values of the records before the first that did not decode (all of them if every record did), in order. */
    public List<T> values() {
        return values;
    }

    /** The records of {@link #values()}, index for index. */
    public List<ConsumerRecord<String, byte[]>> records() {
        return records;
    }

    /** Whether a record did not decode. */
    public boolean hasUndecodable() {
        return undecodable != null;
    }

    /**
     * Call once {@link #values()} are applied: if a record did not decode, hands it to the error handler, which passes
     * it and redelivers the records after it.
     */
    public void passUndecodable() {
        if (undecodable != null) {
            throw new BatchListenerFailedException(
                    "undecodable " + what,
                    new UndecodableMessageException(what + " at offset " + undecodable.offset(), why),
                    undecodableIndex);
        }
    }
}
