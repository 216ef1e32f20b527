package dev.gatehouse.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ES256 keys that sign access and refresh tokens. The first start generates a key and stores it
 * in the database (so every node that shares the database signs alike); later starts load it. The
 * public halves are published as a JWKS. Immutable after loading, thread-safe.
 */
public final class SigningKeys {
    static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private final ECKey active;
    private final JWSSigner signer;
    private final Map<String, JWSVerifier> verifiers;
    private final JWKSet publicKeys;

    private SigningKeys(ECKey active, List<ECKey> all) throws JOSEException {
        this.active = active;
        this.signer = new ECDSASigner(active);
        Map<String, JWSVerifier> map = new LinkedHashMap<>();
        for (ECKey key : all) {
            map.put(key.getKeyID(), new ECDSAVerifier(key.toPublicJWK()));
        }
        this.verifiers = Map.copyOf(map);
        this.publicKeys = new JWKSet(all.stream().map(k -> (JWK) k.toPublicJWK()).toList());
    }

    public static SigningKeys loadOrCreate(Database database, Clock clock, Ids ids, SecureRandom random) {
        List<String> stored = database.inTransaction(h -> {
            List<String> rows = h.createQuery("SELECT jwk FROM signing_keys ORDER BY active DESC, created_at DESC")
                    .mapTo(String.class).list();
            if (!rows.isEmpty()) {
                return rows;
            }
            ECKey generated = generate(ids.objectId(), random);
            h.createUpdate("INSERT INTO signing_keys (kid, algorithm, jwk, created_at, active) VALUES (:kid, :alg, :jwk, :at, 1)")
                    .bind("kid", generated.getKeyID())
                    .bind("alg", ALGORITHM.getName())
                    .bind("jwk", generated.toJSONString())
                    .bind("at", clock.instant().toEpochMilli())
                    .execute();
            return List.of(generated.toJSONString());
        });
        try {
            List<ECKey> keys = new ArrayList<>();
            for (String json : stored) {
                keys.add(ECKey.parse(json));
            }
            return new SigningKeys(keys.get(0), keys);
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

    String activeKeyId() {
        return active.getKeyID();
    }

    JWSSigner signer() {
        return signer;
    }

    Optional<JWSVerifier> verifier(String kid) {
        return Optional.ofNullable(kid).map(verifiers::get);
    }

    /** The JWKS document (public keys only). */
    public Map<String, Object> jwks() {
        return publicKeys.toJSONObject(true);
    }
}
