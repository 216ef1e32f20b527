package dev.gatehouse.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.gatehouse.db.Database;
import dev.gatehouse.token.Ids;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 keys that sign access tokens, and the HS256 keys derived from them that sign refresh
 * tokens ({@link RefreshMac}). They live in the database, so every node
 * that shares it signs and verifies alike: the first start generates a key, and {@link #rotate}
 * (the {@code gatehouse keys rotate} command) adds a new active one while the earlier ones keep
 * verifying the tokens they signed. Each node reloads the keys every {@code refresh} interval, and
 * at once when a token names a key it has not seen, so a rotation made anywhere is verified
 * everywhere at once and signs everywhere within one interval. Thread-safe.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;
    /**
     * Serializes key creation between nodes that start together on an empty database (public so
     * that the multi-node test can hold it and make that race happen for real).
     */
    public static final String LOCK = "gatehouse:signing-keys";
    /** Tokens naming unknown keys are attacker input: they trigger at most one reload per this time. */
    private static final Duration UNKNOWN_KEY_RELOAD_GAP = Duration.ofSeconds(1);

    private final Database database;
    private final Clock clock;
    private final Duration refresh;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile KeyRing ring;
    private volatile Instant lastUnknownKeyReload = Instant.EPOCH;

    /** The key that signs new tokens: ES256 for access tokens, HS256 for refresh tokens. */
    record Active(String kid, JWSSigner signer, JWSSigner refreshSigner) {}

    /** What checks the tokens of one key. */
    private record Verifiers(JWSVerifier access, JWSVerifier refresh) {}

    /** One stored key as operators see it; never the private half. */
    public record KeyInfo(String kid, Instant createdAt, boolean active) {}

    private record KeyRing(Active active, Map<String, Verifiers> verifiers, JWKSet publicKeys, Instant loadedAt) {}

    private SigningKeys(Database database, Clock clock, Duration refresh, KeyRing ring) {
        this.database = database;
        this.clock = clock;
        this.refresh = refresh;
        this.ring = ring;
    }

    /** Loads the stored keys, generating the first one if there is none yet. */
    public static SigningKeys load(Database database, Clock clock, Ids ids, SecureRandom random, Duration refresh) {
        database.useTransaction(h -> {
            database.dialect().lock(h, LOCK);
            if (h.createQuery("SELECT COUNT(*) FROM signing_keys").mapTo(Integer.class).one() == 0) {
                insertActive(h, ids, random, clock);
            }
        });
        return new SigningKeys(database, clock, refresh, read(database, clock));
    }

    /** Makes a new key the one that signs; earlier keys stay to verify what they signed. */
    public static KeyInfo rotate(Database database, Clock clock, Ids ids, SecureRandom random) {
        return database.inTransaction(h -> {
            database.dialect().lock(h, LOCK);
            h.createUpdate("UPDATE signing_keys SET active = 0 WHERE active = 1").execute();
            return insertActive(h, ids, random, clock);
        });
    }

    /** Every stored key, the active one first, then newest first. */
    public static List<KeyInfo> list(Database database) {
        return database.withHandle(h -> h.createQuery("SELECT kid, created_at, active FROM signing_keys "
                        + "ORDER BY active DESC, created_at DESC")
                .map((rs, ctx) -> new KeyInfo(rs.getString("kid"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        rs.getInt("active") == 1))
                .list());
    }

    /**
     * Deletes an inactive key: the tokens it signed stop verifying once every node has reloaded.
     * False when there is no such key; the active key cannot be removed.
     */
    public static boolean remove(Database database, String kid) {
        return database.inTransaction(h -> {
            database.dialect().lock(h, LOCK);
            Optional<Integer> active = h.createQuery("SELECT active FROM signing_keys WHERE kid = :kid")
                    .bind("kid", kid).mapTo(Integer.class).findOne();
            if (active.isPresent() && active.get() == 1) {
                throw new IllegalArgumentException("key " + kid + " is the active key; rotate first");
            }
            return h.createUpdate("DELETE FROM signing_keys WHERE kid = :kid").bind("kid", kid).execute() == 1;
        });
    }

    private static KeyInfo insertActive(Handle h, Ids ids, SecureRandom random, Clock clock) {
        ECKey generated = generate(ids.objectId(), random);
        Instant now = clock.instant();
        h.createUpdate("INSERT INTO signing_keys (kid, algorithm, jwk, created_at, active) VALUES (:kid, :alg, :jwk, :at, 1)")
                .bind("kid", generated.getKeyID())
                .bind("alg", ALGORITHM.getName())
                .bind("jwk", generated.toJSONString())
                .bind("at", now.toEpochMilli())
                .execute();
        return new KeyInfo(generated.getKeyID(), now, true);
    }

    private static KeyRing read(Database database, Clock clock) {
        List<String> stored = database.withHandle(h -> h.createQuery(
                "SELECT jwk FROM signing_keys ORDER BY active DESC, created_at DESC").mapTo(String.class).list());
        if (stored.isEmpty()) {
            throw new IllegalStateException("no signing key is stored; every key was removed");
        }
        try {
            List<ECKey> keys = new ArrayList<>();
            for (String json : stored) {
                keys.add(ECKey.parse(json));
            }
            Map<String, Verifiers> verifiers = new LinkedHashMap<>();
            for (ECKey key : keys) {
                verifiers.put(key.getKeyID(), new Verifiers(Es256.verifier(key.toPublicJWK()), RefreshMac.verifier(key)));
            }
            ECKey active = keys.get(0);
            return new KeyRing(new Active(active.getKeyID(), Es256.signer(active), RefreshMac.signer(active)),
                    Map.copyOf(verifiers),
                    new JWKSet(keys.stream().map(k -> (JWK) k.toPublicJWK()).toList()), clock.instant());
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("stored signing key is unreadable", e);
        }
    }

    private static ECKey generate(String kid, SecureRandom random) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(ALGORITHM)
                    .secureRandom(random).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    Active active() {
        return current().active();
    }

    /** The ES256 verifier of an access token's key; empty for a key not (or no longer) stored. */
    Optional<JWSVerifier> verifier(String kid) {
        return verifiers(kid).map(Verifiers::access);
    }

    /** The HS256 verifier of a refresh token's key; empty for a key not (or no longer) stored. */
    Optional<JWSVerifier> refreshVerifier(String kid) {
        return verifiers(kid).map(Verifiers::refresh);
    }

    private Optional<Verifiers> verifiers(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        Verifiers verifier = current().verifiers().get(kid);
        Instant now = clock.instant();
        if (verifier == null && !now.isBefore(lastUnknownKeyReload.plus(UNKNOWN_KEY_RELOAD_GAP))) {
            // Perhaps another node rotated a moment ago and this token is its first.
            lastUnknownKeyReload = now;
            verifier = reload().verifiers().get(kid);
        }
        return Optional.ofNullable(verifier);
    }

    /** The JWKS document (public keys only). */
    public Map<String, Object> jwks() {
        return current().publicKeys().toJSONObject(true);
    }

    /** The key ring, reloaded when it is older than the refresh interval. */
    private KeyRing current() {
        KeyRing now = ring;
        if (clock.instant().isBefore(now.loadedAt().plus(refresh))) {
            return now;
        }
        // One thread reloads; the others keep using the ring they have rather than queue on the database.
        if (reloading.tryLock()) {
            try {
                return reload();
            } finally {
                reloading.unlock();
            }
        }
        return now;
    }

    private KeyRing reload() {
        try {
            KeyRing loaded = read(database, clock);
            if (!loaded.active().kid().equals(ring.active().kid())) {
                log.info("signing key {} is now active (was {})", loaded.active().kid(), ring.active().kid());
            }
            ring = loaded;
            return loaded;
        } catch (RuntimeException e) {
            // A database hiccup must not fail logins: keep signing with the keys already loaded.
            log.warn("could not reload signing keys; keeping the loaded ones", e);
            return ring;
        }
    }
}
