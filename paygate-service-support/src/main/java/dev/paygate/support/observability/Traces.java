package dev.paygate.support.observability;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.util.context.ContextView;

/**
 * Carries a trace across the places where no library can: a row written now and published later (the outbox), an
 * event stored now and delivered later (webhooks). The trace context travels as a W3C {@code traceparent} value.
 * Without a tracer (tracing switched off) every method is a no-op and returns {@code null}.
 */
public class Traces {

    /** The W3C Trace Context header, on Kafka records and on webhook requests. */
    public static final String TRACEPARENT = "traceparent";

    /** Reactor Context key: the traceparent that work on this chain belongs to, ahead of any current span. */
    static final String PARENT_KEY = "paygate.traceparent";

    private static final ContextSnapshotFactory SNAPSHOTS =
            ContextSnapshotFactory.builder().build();

    private final Tracer tracer;
    private final Propagator propagator;

    public Traces(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Off: no trace is carried anywhere. */
    public static Traces none() {
        return new Traces(null, null);
    }

    /**
     * The {@code traceparent} of the span current in {@code context} (a Reactor Context carries the observation
     * of the request or record being handled), else of the thread's current span; {@code null} if there is none.
     */
    public String traceparent(ContextView context) {
        if (tracer == null) {
            return null;
        }
        if (context.hasKey(PARENT_KEY)) {
            return context.get(PARENT_KEY);
        }
        try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
            return traceparent(tracer.currentSpan());
        }
    }

    /**
     * For {@code contextWrite}: work on the chain belongs to the trace named by {@code traceparent} (a record of a
     * batch, whose listener has no current span of its own); nothing changes when it is {@code null}.
     */
    public static java.util.function.Function<reactor.util.context.Context, reactor.util.context.Context> parent(
            String traceparent) {
        return context -> traceparent == null ? context : context.put(PARENT_KEY, traceparent);
    }

    /** The traceparent header of a Kafka record, {@code null} if it has none. */
    public static String traceparent(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(TRACEPARENT);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The {@code traceparent} naming {@code span}; {@code null} for none. */
    public String traceparent(Span span) {
        if (tracer == null || span == null || span.isNoop()) {
            return null;
        }
        Map<String, String> carrier = new LinkedHashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * Starts a span (of kind {@code kind}) that continues the trace named by {@code traceparent}, or a new trace if
     * that is {@code null} or unreadable; a no-op span when tracing is off. The caller ends it.
     */
    public Span start(String name, String traceparent, Span.Kind kind) {
        if (tracer == null) {
            return Span.NOOP;
        }
        Span.Builder builder = traceparent == null
                ? tracer.spanBuilder()
                : propagator.extract(Map.of(TRACEPARENT, traceparent), (carrier, key) -> carrier.get(key));
        return builder.name(name).kind(kind).start();
    }

    /** Puts {@code span} in scope on this thread (logs carry its ids); closing the scope restores the previous one. */
    public Tracer.SpanInScope inScope(Span span) {
        return tracer == null || span == null ? () -> {} : tracer.withSpan(span);
    }
}
