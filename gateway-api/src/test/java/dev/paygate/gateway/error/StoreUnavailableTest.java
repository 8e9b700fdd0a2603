package dev.paygate.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** A database that is down or restarting is a 503 the client may retry, not a 500 (the fault suite found the 500s). */
class StoreUnavailableTest {

    @Test
    void aLostOrRefusedDatabaseConnectionIs503WithRetryAfter() {
        var answer = new ProblemHandler()
                .unexpected(new DataAccessResourceFailureException(
                        "Failed to obtain R2DBC Connection",
                        new io.r2dbc.spi.R2dbcNonTransientResourceException("Connection refused")));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(answer.getBody().getProperties()).containsEntry("code", "service_unavailable");
    }

    @Test
    void anythingElseUnexpectedStays500() {
        var answer = new ProblemHandler().unexpected(new IllegalStateException("a bug"));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "internal_error");
    }
}
