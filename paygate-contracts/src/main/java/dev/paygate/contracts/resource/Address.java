package dev.paygate.contracts.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"city", "country", "line1", "line2", "postalCode", "state"})
public record Address(String city, String country, String line1, String line2, String postalCode, String state) {}
