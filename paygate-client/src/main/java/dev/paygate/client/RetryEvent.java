package dev.paygate.client;

import java.time.Duration;

/**
 * A request is about to be sent again (for logs and metrics: {@code PaygateClient.Builder.onRetry}).
 *
 * @param request the method and path, as {@code POST /api2/payments}
 * @param attempt the attempt that failed (1 for the first)
 * @param failure how it failed
 * @param delay how long the client waits before the next attempt
 */
public record RetryEvent(String request, int attempt, PaygateException failure, Duration delay) {}
