package dev.paygate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.paygate.contracts.ApiVersions;
import dev.paygate.contracts.Ids;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Merchants and their API keys (digests only), in the gateway's own schema. */
@Repository
public class MerchantStore {

    private final DatabaseClient db;
    /**
     * Active keys seen lately, by digest: a request costs a database read once per key and {@code ttl}, not every
     * time. Unknown keys are never kept. A key revoked here is forgotten at once; another gateway instance honours the
     * revocation within {@code ttl} ({@code paygate.gateway.api-key-cache-ttl}, 0 to read every time).
     */
    private final Cache<String, Merchant> active;

    public MerchantStore(DatabaseClient db) {
        this(db, Duration.ofSeconds(30));
    }

    @org.springframework.beans.factory.annotation.Autowired
    public MerchantStore(
            DatabaseClient db,
            @org.springframework.beans.factory.annotation.Value("${paygate.gateway.api-key-cache-ttl:30s}")
                    Duration ttl) {
        this.db = db;
        this.active = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(ttl.isZero() ? 0 : 10_000)
                .build();
    }

    public record Merchant(String id, String name, String defaultApiVersion) {}

    /** The merchant an active key belongs to; empty for an unknown or revoked key. */
    public Mono<Merchant> findByKey(String key) {
        String hash = ApiKeyHasher.hash(key);
        Merchant known = active.getIfPresent(hash);
        if (known != null) {
            return Mono.just(known);
        }
        return db.sql("""
                        SELECT m.id, m.name, m.default_api_version FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
                        WHERE k.key_hash = :hash AND k.revoked_at IS NULL""")
                .bind("hash", hash)
                .map(row -> new Merchant(
                        row.get("id", String.class),
                        row.get("name", String.class),
                        row.get("default_api_version", String.class)))
                .one()
                .doOnNext(merchant -> active.put(hash, merchant));
    }

    public Mono<Merchant> createMerchant(String id, String name) {
        return db.sql("""
                        INSERT INTO merchants (id, name, default_api_version) VALUES (:id, :name, :version)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("id", id)
                .bind("name", name)
                .bind("version", ApiVersions.DEFAULT)
                .fetch()
                .rowsUpdated()
                .thenReturn(new Merchant(id, name, ApiVersions.DEFAULT));
    }

    public Mono<Boolean> merchantExists(String id) {
        return db.sql("SELECT 1 FROM merchants WHERE id = :id")
                .bind("id", id)
                .fetch()
                .first()
                .hasElement();
    }

    /** Stores a key's digest; a key that is already stored is left as it is. Emits the key's id. */
    public Mono<String> addKey(String merchantId, String key) {
        String id = Ids.API_KEY.next();
        return db.sql("""
                        INSERT INTO api_keys (id, merchant_id, key_hash, key_hint) VALUES (:id, :merchantId, :hash, :hint)
                        ON CONFLICT (key_hash) DO NOTHING""")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .bind("hash", ApiKeyHasher.hash(key))
                .bind("hint", ApiKeyHasher.hint(key))
                .fetch()
                .rowsUpdated()
                .thenReturn(id);
    }

    /** Emits {@code true} if an active key was revoked. */
    public Mono<Boolean> revokeKey(String keyId) {
        return db.sql("UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL")
                .bind("id", keyId)
                .fetch()
                .rowsUpdated()
                // the revoked key is among those kept here, if anywhere (only digests are kept: forget them all)
                .doOnNext(rows -> active.invalidateAll())
                .map(rows -> rows == 1L);
    }
}
