package dev.paygate.support.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void aLimitIsAnIntegerFromOneToAHundredTenWhenAbsent() {
        assertThat(Paging.limit(null)).isEqualTo(OptionalInt.of(10));
        assertThat(Paging.limit("1")).isEqualTo(OptionalInt.of(1));
        assertThat(Paging.limit("100")).isEqualTo(OptionalInt.of(100));
        for (String bad : List.of("0", "101", "-1", "ten", "1.5", "", " 5")) {
            assertThat(Paging.limit(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void theExtraRowOnlySaysThereIsMore() {
        assertThat(Paging.page(List.of(1, 2, 3), 2))
                .containsEntry("data", List.of(1, 2))
                .containsEntry("hasMore", true);
        assertThat(Paging.page(List.of(1, 2), 2))
                .containsEntry("data", List.of(1, 2))
                .containsEntry("hasMore", false);
        assertThat(Paging.page(List.of(1, 2), 2).keySet()).containsExactly("data", "hasMore");
    }
}
