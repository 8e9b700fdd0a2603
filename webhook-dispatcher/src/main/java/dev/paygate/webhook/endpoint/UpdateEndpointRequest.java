package dev.paygate.webhook.endpoint;

import java.util.List;

/**
 * The body of {@code POST /internal/webhook-endpoints/{id}}: every field optional, each one set replaces the stored
 * one. {@code disabled: true} disables the endpoint, {@code false} enables it again.
 */
record UpdateEndpointRequest(String url, List<String> enabledEvents, String description, Boolean disabled) {}
