package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.account.User;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.token.Ids;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which refresh tokens {@link SessionTokens#refreshSessionId} takes: HS256 under the MAC derived
 * from a stored key, and the ES256 ones issued before refresh tokens were HS256; never an access
 * token, another key's MAC, or an unsigned token. (What follows, the session's stored digest, is
 * SessionTest's.)
 */
class SessionTokensTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final AppConfig APP = new AppConfig("app-abcde", "64b7f0c2a1b2c3d4e5f60718", "app", "GLOBAL", "US-VA",
            List.of(), null, Map.of(), null, null, null);
    private static final User USER = new User("64b7f0c2a1b2c3d4e5f60719", "app-abcde", "a@example.com", "x",
            "64b7f0c2a1b2c3d4e5f6071a", true, false, NOW);
    private static final String SESSION = "64b7f0c2a1b2c3d4e5f6071b";

    @TempDir
    Path dir;
    private Database database;
    private SigningKeys keys;
    private SessionTokens tokens;
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void open() {
        database = Database.sqlite(dir);
        keys = SigningKeys.load(database, clock, new Ids(clock, random), random, Duration.ofSeconds(30));
        tokens = new SessionTokens(keys, clock, Duration.ofMinutes(30), Duration.ofDays(60), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private String refreshToken() {
        return tokens.refresh(APP, USER, SESSION, "64b7f0c2a1b2c3d4e5f6071c", NOW.plus(Duration.ofDays(60)));
    }

    @Test
    void refresh_tokens_are_hs256_under_the_active_keys_id_and_name_their_session() throws Exception {
        String token = refreshToken();
        JWSHeader header = SignedJWT.parse(token).getHeader();
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(header.getKeyID()).isEqualTo(keys.active().kid());
        assertThat(tokens.refreshSessionId(token)).contains(SESSION);
        // And access tokens stay ES256, which the JWKS verifies.
        String access = tokens.access(APP, USER, SESSION, "64b7f0c2a1b2c3d4e5f6071c");
        assertThat(SignedJWT.parse(access).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void a_bad_mac_another_keys_mac_an_access_token_and_an_unsigned_token_name_no_session() throws Exception {
        String token = refreshToken();
        String body = token.substring(0, token.lastIndexOf('.') + 1);
        assertThat(tokens.refreshSessionId(body + "AAAA")).isEmpty();
        assertThat(tokens.refreshSessionId(body)).isEmpty();

        // The same claims under a MAC of another secret (here: the public key's x coordinate, an
        // attacker's guess at "the key"), with the right kid.
        ECKey stored = storedKey();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(stored.getKeyID())
                .type(JOSEObjectType.JWT).build(), SignedJWT.parse(token).getJWTClaimsSet());
        byte[] guess = new byte[32];
        System.arraycopy(stored.getX().decode(), 0, guess, 0, 32);
        forged.sign(new MACSigner(guess));
        assertThat(tokens.refreshSessionId(forged.serialize())).isEmpty();

        // alg "none" and an access token (ES256, typ access).
        String none = new com.nimbusds.jwt.PlainJWT(SignedJWT.parse(token).getJWTClaimsSet()).serialize();
        assertThat(tokens.refreshSessionId(none)).isEmpty();
        assertThat(tokens.refreshSessionId(tokens.access(APP, USER, SESSION, "64b7f0c2a1b2c3d4e5f6071c"))).isEmpty();
        // And a refresh token is no access token: the access check pins ES256.
        assertThat(tokens.verify(token, SessionTokens.ACCESS)).isEmpty();
        assertThat(tokens.refreshSessionId("not.a.jwt")).isEmpty();
        assertThat(tokens.refreshSessionId(null)).isEmpty();
    }

    /** Sessions begun before refresh tokens were HS256 go on working until their 60 days end. */
    @Test
    void an_es256_refresh_token_from_before_the_upgrade_names_its_session_while_its_key_is_stored() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(refreshToken()).getJWTClaimsSet();
        SignedJWT legacy = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.active().kid())
                .type(JOSEObjectType.JWT).build(), claims);
        legacy.sign(keys.active().signer());
        assertThat(tokens.refreshSessionId(legacy.serialize())).contains(SESSION);

        String kid = keys.active().kid();
        SigningKeys.rotate(database, clock, new Ids(clock, random), random);
        assertThat(SigningKeys.remove(database, kid)).isTrue();
        SigningKeys reloaded = SigningKeys.load(database, clock, new Ids(clock, random), random, Duration.ofSeconds(30));
        SessionTokens after = new SessionTokens(reloaded, clock, Duration.ofMinutes(30), Duration.ofDays(60),
                new SimpleMeterRegistry());
        assertThat(after.refreshSessionId(legacy.serialize())).isEmpty();
    }

    @Test
    void every_node_derives_the_same_refresh_key_and_each_stored_key_its_own() throws Exception {
        ECKey stored = storedKey();
        assertThat(RefreshMac.derive(stored)).isEqualTo(RefreshMac.derive(ECKey.parse(stored.toJSONString())))
                .hasSize(32)
                .isNotEqualTo(RefreshMac.derive(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                        com.nimbusds.jose.jwk.Curve.P_256).generate()));
        // Another node on the same database takes this node's refresh tokens.
        SessionTokens otherNode = new SessionTokens(
                SigningKeys.load(database, clock, new Ids(clock, random), random, Duration.ofSeconds(30)),
                clock, Duration.ofMinutes(30), Duration.ofDays(60), new SimpleMeterRegistry());
        assertThat(otherNode.refreshSessionId(refreshToken())).contains(SESSION);
    }

    private ECKey storedKey() throws Exception {
        String json = database.withHandle(h -> h.createQuery("SELECT jwk FROM signing_keys WHERE active = 1")
                .mapTo(String.class).one());
        return ECKey.parse(json);
    }
}
