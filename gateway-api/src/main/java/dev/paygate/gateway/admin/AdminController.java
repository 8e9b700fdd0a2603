package dev.paygate.gateway.admin;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.auth.MerchantStore;
import dev.paygate.gateway.docs.ApiSchemas;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.RequestBodies;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The operator API (docs/api.md, "Operator API"): merchants and their keys. Off (404) unless an admin token is
 * configured; guarded by {@code X-Admin-Token}.
 */
@RestController
public class AdminController {

    public static final String TOKEN_HEADER = "X-Admin-Token";

    private final MerchantStore merchants;
    private final GatewayProperties properties;
    private final dev.paygate.gateway.auth.AuthFailures failures;

    public AdminController(
            MerchantStore merchants, GatewayProperties properties, dev.paygate.gateway.auth.AuthFailures failures) {
        this.merchants = merchants;
        this.properties = properties;
        this.failures = failures;
    }

    record CreateMerchant(String name) {}

    @Operation(
            tags = "Operator",
            summary = "Create a merchant",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The merchant",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.Merchant.class))),
                @ApiResponse(
                        responseCode = "400",
                        description = "The name is missing or invalid (`parameter_invalid`, `invalid_json`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.CreateMerchantRequest.class)))
    @PostMapping("/admin/merchants")
    public Mono<Map<String, String>> createMerchant(
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            @RequestBody(required = false) String body,
            org.springframework.http.server.reactive.ServerHttpRequest http) {
        authorize(token, http);
        CreateMerchant request = RequestBodies.parse(body, CreateMerchant.class);
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw ApiException.badRequest(ProblemCodes.PARAMETER_INVALID, "name must be 1 to 200 characters.", "name");
        }
        return merchants
                .createMerchant(Ids.MERCHANT.next(), request.name().strip())
                .map(m -> Map.of("id", m.id(), "name", m.name()));
    }

    @Operation(
            tags = "Operator",
            summary = "Create an API key for a merchant; the key is shown only here",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The key",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.ApiKey.class))),
                @ApiResponse(responseCode = "404", description = "No such merchant (`resource_missing`).")
            })
    @PostMapping("/admin/merchants/{id}/api-keys")
    public Mono<Map<String, String>> createKey(
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            @PathVariable String id,
            org.springframework.http.server.reactive.ServerHttpRequest http) {
        authorize(token, http);
        String key = "sk_test_" + Ids.randomBase58(40);
        return merchants
                .merchantExists(id)
                .flatMap(exists ->
                        exists ? merchants.addKey(id, key) : Mono.error(ApiException.notFound("merchant", id)))
                .map(keyId -> Map.of("id", keyId, "key", key));
    }

    @Operation(
            tags = "Operator",
            summary = "Revoke an API key at once",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "`{id, deleted: true}`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.Deleted.class))),
                @ApiResponse(responseCode = "404", description = "No such API key (`resource_missing`).")
            })
    @DeleteMapping("/admin/api-keys/{id}")
    public Mono<Map<String, Object>> revokeKey(
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            @PathVariable String id,
            org.springframework.http.server.reactive.ServerHttpRequest http) {
        authorize(token, http);
        return merchants
                .revokeKey(id)
                .flatMap(revoked -> revoked
                        ? Mono.just(Map.<String, Object>of("id", id, "deleted", true))
                        : Mono.error(ApiException.notFound("API key", id)));
    }

    /** The operator token, compared in constant time; failures count toward the client's limit like bad API keys. */
    private void authorize(String token, org.springframework.http.server.reactive.ServerHttpRequest http) {
        String expected = properties.getAdminToken();
        if (expected == null || expected.isBlank()) {
            throw new ApiException(HttpStatus.NOT_FOUND, ProblemCodes.RESOURCE_MISSING, "No such resource.", null);
        }
        String client = dev.paygate.gateway.auth.AuthFailures.clientOf(http);
        var wait = failures.blocked(client);
        if (wait.isPresent()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    ProblemCodes.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "Too many failed authentications from this client; try again later.",
                    null,
                    wait.get());
        }
        if (token == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            failures.failed(client);
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    ProblemCodes.ADMIN_TOKEN_INVALID,
                    "A valid X-Admin-Token is required.",
                    TOKEN_HEADER);
        }
    }
}
