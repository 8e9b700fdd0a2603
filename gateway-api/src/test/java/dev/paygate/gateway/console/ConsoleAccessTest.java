package dev.paygate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.auth.AuthFailures;
import dev.paygate.gateway.error.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The console's session cookie: an expiring HMAC keyed by the token, never the token, refused when touched. */
class ConsoleAccessTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static ConsoleAccess access(String token, Instant now) {
        GatewayProperties properties = new GatewayProperties();
        properties.setAdminToken(token);
        properties.setConsoleSessionLifetime(Duration.ofHours(1));
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new ConsoleAccess(properties, new AuthFailures(properties, clock), clock);
    }

    static MockServerHttpRequest request() {
        return MockServerHttpRequest.post("http://localhost/console/login").build();
    }

    @Test
    void theCookieIsHttpOnlyStrictScopedAndHoldsNoToken() {
        ResponseCookie cookie = access("operator-secret", NOW).login("operator-secret", request());

        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(cookie.getValue())
                .doesNotContain("operator-secret")
                .startsWith(NOW.plusSeconds(3600).getEpochSecond() + ".");
        assertThat(access("operator-secret", NOW).sessionValid(cookie.getValue()))
                .isTrue();
    }

    @Test
    void aTamperedExpiredOrOtherTokensCookieIsRefused() {
        String value = access("operator-secret", NOW)
                .login("operator-secret", request())
                .getValue();
        String mac = value.substring(value.indexOf('.') + 1);
        long expires = Long.parseLong(value.substring(0, value.indexOf('.')));

        assertThat(access("operator-secret", NOW).sessionValid((expires + 3600) + "." + mac))
                .isFalse();
        assertThat(access("operator-secret", NOW.plusSeconds(3600)).sessionValid(value))
                .isFalse();
        assertThat(access("rotated-token", NOW).sessionValid(value)).isFalse();
        assertThat(access("operator-secret", NOW).sessionValid("garbage")).isFalse();
        assertThat(access("operator-secret", NOW).sessionValid("x." + mac)).isFalse();
    }

    @Test
    void aWrongTokenIsUnauthorizedAndNoTokenConfiguredIsNotFound() {
        assertThatThrownBy(() -> access("operator-secret", NOW).login("operator-secreT", request()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(401));
        assertThatThrownBy(() -> access("", NOW).login("", request()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }
}
