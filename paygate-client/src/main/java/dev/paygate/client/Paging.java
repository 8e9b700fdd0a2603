package dev.paygate.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** A list read page by page with {@code startingAfter}, as one lazy stream: a page is fetched when it is reached. */
final class Paging {

    /** One page of a list: its items, and whether more follow. */
    record Page<T>(List<T> items, boolean hasMore) {}

    private Paging() {}

    /**
     * All items, fetching with {@code fetch(startingAfter)} (null for the first page) as the stream is consumed.
     *
     * @param id an item's id, the cursor for the page after it
     */
    static <T> Stream<T> stream(Function<String, Page<T>> fetch, Function<T, String> id) {
        Iterator<T> items = new Iterator<>() {
            private Iterator<T> page = List.<T>of().iterator();
            private String cursor;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && more) {
                    Page<T> next = fetch.apply(cursor);
                    more = next.hasMore() && !next.items().isEmpty();
                    if (!next.items().isEmpty()) {
                        cursor = id.apply(next.items().get(next.items().size() - 1));
                    }
                    page = next.items().iterator();
                }
                return page.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
    }
}
