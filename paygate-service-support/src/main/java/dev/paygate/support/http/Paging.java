package dev.paygate.support.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Cursor pagination as every list of the API does it: {@code limit} 1 … 100 (default 10), {@code startingAfter} an
 * id, and a page {@code {data, hasMore}} read with one row more than asked for.
 */
public final class Paging {

    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;
    /** The {@code detail} of the 400 {@code parameter_invalid} a bad {@code limit} gets. */
    public static final String INVALID_LIMIT = "limit must be an integer from 1 to " + MAX_LIMIT + ".";

    private Paging() {}

    /** {@code limit} as given (null: the default), or empty when it is not an integer from 1 to 100. */
    public static OptionalInt limit(String limit) {
        if (limit == null) {
            return OptionalInt.of(DEFAULT_LIMIT);
        }
        try {
            int n = Integer.parseInt(limit);
            return n >= 1 && n <= MAX_LIMIT ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** {@code rows} was read with {@code size + 1}: the extra row only says there is more. */
    public static <T> Map<String, Object> page(List<T> rows, int size) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", rows.size() > size ? rows.subList(0, size) : rows);
        page.put("hasMore", rows.size() > size);
        return page;
    }
}
