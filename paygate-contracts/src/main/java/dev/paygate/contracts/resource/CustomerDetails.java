package dev.paygate.contracts.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The payer as the merchant describes them; every part optional, {@code {}} when nothing is known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"address", "email", "name", "phone"})
public record CustomerDetails(Address address, String email, String name, String phone) {

    public static final CustomerDetails EMPTY = new CustomerDetails(null, null, null, null);
}
