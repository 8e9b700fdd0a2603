package dev.paygate.gateway.console;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.admin.AdminController;
import dev.paygate.gateway.auth.AuthFailures;
import dev.paygate.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Who may use the ops console: the operator, by the admin token. Off (404, like any unknown path) when no admin token
 * is configured. A browser logs in once with the token and then carries a session cookie — {@code HttpOnly},
 * {@code SameSite=Strict}, scoped to {@code /console} — whose value is {@code <expiry>.<HMAC-SHA256 keyed by the
 * token>}: never the token itself, useless once the token changes, and checked without any server-side state (so
 * every gateway instance accepts it). The cookie is needed because {@code EventSource} cannot send headers; tools may
 * send {@code X-Admin-Token} instead.
 *
 * <p>CSRF: the cookie is {@code SameSite=Strict}, so no other site's request carries it; on top, every state-changing
 * request authenticated by the cookie must carry {@code X-Console-Request: 1} (a custom header another origin can
 * only send after a CORS preflight, which the gateway never approves) and, when the browser sends an
 * {@code Origin}, one matching the gateway's own.
 */
@Component
class ConsoleAccess {

    public static final String COOKIE = "paygate_console";
    public static final String REQUEST_HEADER = "X-Console-Request";
    static final String PATH = "/console";

    private final GatewayProperties properties;
    private final AuthFailures failures;
    private final Clock clock;

    public ConsoleAccess(GatewayProperties properties, AuthFailures failures, Clock clock) {
        this.properties = properties;
        this.failures = failures;
        this.clock = clock;
    }

    /** Whether the console is on at all: only with an admin token configured. */
    public boolean enabled() {
        String token = properties.getAdminToken();
        return token != null && !token.isBlank();
    }

    /** 404 when the console is off, exactly as for a path that does not exist. */
    public void requireEnabled() {
        if (!enabled()) {
            throw new ApiException(HttpStatus.NOT_FOUND, ProblemCodes.RESOURCE_MISSING, "No such resource.", null);
        }
    }

    /**
     * Checks a login's token in constant time; on success the session cookie to set. A wrong token counts toward
     * the client's failed authentications (429 past the limit), like a bad API key.
     */
    public ResponseCookie login(String token, ServerHttpRequest request) {
        requireEnabled();
        String client = notBlocked(request);
        if (!tokenMatches(token)) {
            failures.failed(client);
            throw unauthorized();
        }
        Duration lifetime = properties.getConsoleSessionLifetime();
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        return cookie(expires + "." + mac(expires), lifetime, request);
    }

    /** A cookie that ends the session in the browser. */
    public ResponseCookie logout(ServerHttpRequest request) {
        return cookie("", Duration.ZERO, request);
    }

    /**
     * Requires the operator: the {@code X-Admin-Token} header, or a valid session cookie (and, for anything but a
     * read, the CSRF checks). 404 when the console is off; 401 otherwise, saying nothing about why.
     */
    public void require(ServerHttpRequest request) {
        requireEnabled();
        String header = request.getHeaders().getFirst(AdminController.TOKEN_HEADER);
        if (header != null) {
            String client = notBlocked(request);
            if (!tokenMatches(header)) {
                failures.failed(client);
                throw unauthorized();
            }
            return;
        }
        HttpCookie cookie = request.getCookies().getFirst(COOKIE);
        if (cookie == null || !sessionValid(cookie.getValue())) {
            throw unauthorized();
        }
        if (!HttpMethod.GET.equals(request.getMethod()) && !sameOriginRequest(request)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    ProblemCodes.AUTHENTICATION_REQUIRED,
                    "Console changes must come from the console page.",
                    REQUEST_HEADER);
        }
    }

    boolean sessionValid(String value) {
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac(expires).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) && clock.instant().getEpochSecond() < expires;
    }

    private static boolean sameOriginRequest(ServerHttpRequest request) {
        if (!"1".equals(request.getHeaders().getFirst(REQUEST_HEADER))) {
            return false;
        }
        String origin = request.getHeaders().getOrigin();
        if (origin == null) {
            return true;
        }
        String host = request.getHeaders().getFirst("Host");
        try {
            java.net.URI uri = java.net.URI.create(origin);
            String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && host.equalsIgnoreCase(originHost);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String notBlocked(ServerHttpRequest request) {
        String client = AuthFailures.clientOf(request);
        var wait = failures.blocked(client);
        if (wait.isPresent()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    ProblemCodes.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "Too many failed authentications from this client; try again later.",
                    null,
                    wait.get());
        }
        return client;
    }

    private boolean tokenMatches(String token) {
        return token != null
                && MessageDigest.isEqual(
                        properties.getAdminToken().getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256, keyed by the admin token, over the session's expiry; base64url. */
    private String mac(long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(properties.getAdminToken().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("paygate-console-session:" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResponseCookie cookie(String value, Duration maxAge, ServerHttpRequest request) {
        return ResponseCookie.from(COOKIE, value)
                .httpOnly(true)
                .sameSite("Strict")
                .path(PATH)
                .secure(secure(request))
                .maxAge(maxAge)
                .build();
    }

    /** Secure when the browser reached us over HTTPS, directly or through a proxy that says so. */
    private static boolean secure(ServerHttpRequest request) {
        return "https".equalsIgnoreCase(request.getURI().getScheme())
                || "https".equalsIgnoreCase(request.getHeaders().getFirst("X-Forwarded-Proto"));
    }

    private static ApiException unauthorized() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED, ProblemCodes.ADMIN_TOKEN_INVALID, "Log in with the operator token.", null);
    }
}
