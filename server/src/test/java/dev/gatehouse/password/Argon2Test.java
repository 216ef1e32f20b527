package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Both implementations against RFC 9106, and which one the process chooses. */
class Argon2Test {
    private static byte[] rfc9106(Argon2 argon2) {
        return argon2.argon2id(Rfc9106.PASSWORD, Rfc9106.SALT, Rfc9106.SECRET, Rfc9106.ASSOCIATED_DATA, Rfc9106.COST, 32);
    }

    @Test
    void bouncy_castle_computes_the_rfc_9106_test_vector() {
        assertThat(HexFormat.of().formatHex(rfc9106(new BouncyCastleArgon2())))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void the_native_library_computes_the_rfc_9106_test_vector() {
        assumeTrue(NativeBuild.usable(), NativeBuild::whyNot);
        assertThat(HexFormat.of().formatHex(rfc9106(NativeArgon2.load())))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    /**
     * Where the build made the library (Linux x86-64 with gcc, as in CI), a library that does not
     * load must fail here rather than pass slowly on Bouncy Castle. The run forced to Bouncy Castle
     * (the passwords-on-bouncycastle execution) checks that it got that instead.
     */
    @Test
    void the_process_uses_the_implementation_it_was_asked_for() {
        if ("bouncycastle".equals(System.getProperty(Argon2Choice.PROPERTY)) || !NativeBuild.usable()) {
            assertThat(Argon2Choice.selected()).isInstanceOf(BouncyCastleArgon2.class);
        } else {
            assertThat(Argon2Choice.selected()).isInstanceOf(NativeArgon2.class);
            // The argon2-avx2 and argon2-x86-64-v2 executions (server/pom.xml) force a build; every
            // build this CPU runs is then checked by the equivalence test.
            String asked = System.getProperty(NativeArgon2.VARIANT_PROPERTY);
            if (asked != null) {
                assertThat(Argon2Choice.selected().name()).isEqualTo("native (" + asked + ")");
            }
        }
    }

    @Test
    void a_forced_build_must_be_one_the_cpu_runs() {
        Set<String> avx2 = NativeArgon2.VARIANTS.get("avx2");
        assertThat(NativeArgon2.requested(avx2, null)).isEqualTo("avx2");
        assertThat(NativeArgon2.requested(avx2, " Auto ")).isEqualTo("avx2");
        assertThat(NativeArgon2.requested(avx2, " X86-64-V2 ")).isEqualTo("x86-64-v2");
        assertThatThrownBy(() -> NativeArgon2.requested(avx2, "avx512")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("gatehouse.argon2.variant=avx512, but this CPU lacks [avx512bw, avx512cd, avx512dq, avx512f, avx512vl]");
        assertThatThrownBy(() -> NativeArgon2.requested(avx2, "avx10")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("gatehouse.argon2.variant must be auto, avx512, avx2, x86-64-v2, got 'avx10'");
        assertThatThrownBy(() -> NativeArgon2.requested(Set.of("sse2"), null)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("lacks SSE4.2");
    }

    @Test
    void the_variant_follows_the_cpu_flags() {
        assertThat(NativeArgon2.variant(Set.copyOf(union(NativeArgon2.V2_FLAGS, NativeArgon2.V3_FLAGS)))).isEqualTo("avx2");
        assertThat(NativeArgon2.variant(union(union(NativeArgon2.V2_FLAGS, NativeArgon2.V3_FLAGS), NativeArgon2.V4_FLAGS)))
                .isEqualTo("avx512");
        // AVX-512F alone (Knights Landing) is not x86-64-v4.
        assertThat(NativeArgon2.variant(union(union(NativeArgon2.V2_FLAGS, NativeArgon2.V3_FLAGS), Set.of("avx512f"))))
                .isEqualTo("avx2");
        assertThat(NativeArgon2.variant(NativeArgon2.V2_FLAGS)).isEqualTo("x86-64-v2");
        // AVX2 without BMI2 (some early or virtualised CPUs) must not get the v3 build.
        assertThat(NativeArgon2.variant(union(NativeArgon2.V2_FLAGS, Set.of("avx", "avx2")))).isEqualTo("x86-64-v2");
        assertThat(NativeArgon2.variant(Set.of("sse2", "ssse3"))).isNull();
    }

    @Test
    void an_unknown_mode_is_refused() {
        assertThatThrownBy(() -> Argon2Choice.choose("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, native or bouncycastle");
        assertThat(Argon2Choice.choose("bouncycastle")).isInstanceOf(BouncyCastleArgon2.class);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(java.util.stream.Collectors.toSet());
    }
}
