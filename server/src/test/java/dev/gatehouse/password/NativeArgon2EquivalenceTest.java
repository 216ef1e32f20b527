package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** The native library and Bouncy Castle give the same tags on random inputs. */
@AddLifecycleHook(NativeBuild.SkipUnlessBuilt.class)
class NativeArgon2EquivalenceTest {
    private final Argon2 reference = new BouncyCastleArgon2();

    @Property(tries = 2000)
    void native_tags_equal_bouncy_castle_tags(
            @ForAll("passwords") String password,
            @ForAll @Size(min = 8, max = 48) byte[] salt,
            @ForAll @IntRange(min = 1, max = 4) int parallelism,
            @ForAll @IntRange(min = 0, max = 24) int extraMemoryKib,
            @ForAll @IntRange(min = 1, max = 3) int iterations,
            @ForAll @IntRange(min = 4, max = 96) int length) {
        HashParameters cost = new HashParameters(8 * parallelism + extraMemoryKib, iterations, parallelism);
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        assertThat(NativeArgon2.load().argon2id(bytes, salt, null, null, cost, length))
                .isEqualTo(reference.argon2id(bytes, salt, null, null, cost, length));
    }

    @Property(tries = 300)
    void native_tags_equal_bouncy_castle_tags_with_a_secret_and_associated_data(
            @ForAll @Size(max = 40) byte[] password,
            @ForAll @Size(min = 8, max = 24) byte[] salt,
            @ForAll @Size(min = 1, max = 32) byte[] secret,
            @ForAll @Size(min = 1, max = 32) byte[] associatedData,
            @ForAll @IntRange(min = 1, max = 2) int parallelism) {
        HashParameters cost = new HashParameters(16 * parallelism, 2, parallelism);
        assertThat(NativeArgon2.load().argon2id(password, salt, secret, associatedData, cost, 32))
                .isEqualTo(reference.argon2id(password, salt, secret, associatedData, cost, 32));
    }

    @Provide
    Arbitrary<String> passwords() {
        // ASCII, Latin-1, CJK and astral characters (surrogate pairs), up to 64 of them, empty included.
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(64),
                Arbitraries.strings().all().ofMaxLength(64),
                Arbitraries.strings().withCharRange('\u00a0', '\u00ff').withCharRange('\u4e00', '\u4fff')
                        .withChars("\ud83d\udd11").ofMaxLength(32));
    }
}
