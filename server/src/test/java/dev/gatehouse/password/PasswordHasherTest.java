package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    final PasswordHasher hasher = new PasswordHasher(new HashParameters(1024, 1, 1), new SecureRandom());

    @Test
    void hashes_are_argon2id_phc_strings_with_a_fresh_salt() {
        String first = hasher.hash("secret1");
        String second = hasher.hash("secret1");
        assertThat(first).matches("\\$argon2id\\$v=19\\$m=1024,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void verification_accepts_the_password_and_nothing_else() {
        String hash = hasher.hash("secret1");
        assertThat(hasher.verify("secret1", hash)).isTrue();
        assertThat(hasher.verify("secret2", hash)).isFalse();
        assertThat(hasher.verify("", hash)).isFalse();
        assertThat(hasher.verify("secret1", "not a hash")).isFalse();
    }

    @Test
    void a_hash_made_with_other_parameters_still_verifies() {
        String old = new PasswordHasher(new HashParameters(2048, 2, 2), new SecureRandom()).hash("secret1");
        assertThat(old).contains("m=2048,t=2,p=2");
        assertThat(hasher.verify("secret1", old)).isTrue();
    }

    @Test
    void a_hash_from_the_reference_implementation_verifies() {
        // Debian's argon2 CLI (the reference C code): echo -n password | argon2 somesalt -id -t 2 -k 1024 -p 1 -l 32 -e
        String reference = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
        assertThat(hasher.verify("password", reference)).isTrue();
        assertThat(hasher.verify("passwore", reference)).isFalse();
    }

    @Test
    void malformed_hashes_and_decoys_still_cost_a_verification() {
        long before = hasher.verifications();
        hasher.verify("x", "garbage");
        hasher.verifyDecoy("x");
        assertThat(hasher.verifications() - before).isEqualTo(2);
    }

    @Test
    void a_salt_under_8_bytes_or_a_tag_under_4_is_malformed_whichever_implementation_runs() {
        // Bouncy Castle computes these, the native library refuses them: both must answer false.
        String shortSalt = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
        String shortTag = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$7Ffs";
        String notBase64 = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQAA$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
        long before = hasher.verifications();
        assertThat(hasher.verify("password", shortSalt)).isFalse();
        assertThat(hasher.verify("password", shortTag)).isFalse();
        assertThat(hasher.verify("password", notBase64)).isFalse();
        assertThat(hasher.verifications() - before).isEqualTo(3);  // each paid the decoy
    }

    @Test
    void parameters_outside_sane_bounds_are_reported() {
        assertThat(new HashParameters(4, 0, 0).problems()).hasSize(3);
        assertThat(HashParameters.OWASP.problems()).isEmpty();
    }
}
