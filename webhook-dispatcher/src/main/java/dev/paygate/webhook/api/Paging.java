package dev.paygate.webhook.api;

import dev.paygate.contracts.ProblemCodes;
import java.util.List;
import java.util.Map;

/** The shared {@link dev.paygate.support.http.Paging}, with this service's refusal of a bad {@code limit}. */
public final class Paging {

    private Paging() {}

    public static int limit(String limit) {
        return dev.paygate.support.http.Paging.limit(limit)
                .orElseThrow(() -> ApiProblem.badRequest(
                        ProblemCodes.PARAMETER_INVALID, dev.paygate.support.http.Paging.INVALID_LIMIT, "limit"));
    }

    public static <T> Map<String, Object> page(List<T> rows, int size) {
        return dev.paygate.support.http.Paging.page(rows, size);
    }
}
