package dev.paygate.gateway.auth;

/** Who is calling, resolved from the API key, and which API version they speak. */
public record ApiContext(String merchantId, String apiVersion) {}
