package dev.paygate.webhook.endpoint;

import java.util.List;

/** The body of {@code POST /internal/webhook-endpoints}, as the merchant sent it (not yet validated). */
record CreateEndpointRequest(String url, List<String> enabledEvents, String description) {}
