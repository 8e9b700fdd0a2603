package dev.paygate.webhook.api;

import dev.paygate.contracts.ProblemCodes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cursor pagination as every list of the API does it: {@code limit} 1 … 100 (default 10), {@code {data, hasMore}}. */
public final class Paging {

    private Paging() {}

    public static int limit(String limit) {
        if (limit == null) {
            return 10;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= 100) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiProblem.badRequest(ProblemCodes.PARAMETER_INVALID, "limit must be an integer from 1 to 100.", "limit");
    }

    /** {@code rows} was read with {@code size + 1}: the extra row only says there is more. */
    public static <T> Map<String, Object> page(List<T> rows, int size) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", rows.size() > size ? rows.subList(0, size) : rows);
        page.put("hasMore", rows.size() > size);
        return page;
    }
}
