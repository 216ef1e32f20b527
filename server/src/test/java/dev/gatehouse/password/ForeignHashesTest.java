package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Hashes made by the other systems' own code (Python bcrypt 5.0, passlib 1.7.4, Django 5.2, the
 * reference argon2 CLI), all of the password "correct horse".
 */
class ForeignHashesTest {
    static final String PASSWORD = "correct horse";
    final PasswordHasher hasher = new PasswordHasher(new HashParameters(1024, 1, 1), new SecureRandom());

    @ParameterizedTest
    @ValueSource(strings = {
            // Python bcrypt: $2b$; the same bytes under $2a$ and $2y$ (identical for ASCII passwords)
            "$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.",
            "$2a$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.",
            "$2y$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.",
            // passlib pbkdf2_sha256, pbkdf2_sha512, pbkdf2_sha1
            "$pbkdf2-sha256$1000$WWvNOUdIifH.nzOGMKa09g$8W54./mwitALc5TH92yrkT0Q1CXiDkuOaDbHDvJu4Tg",
            "$pbkdf2-sha512$1000$QmgN4TxnbE0JgRBiDAEAIA$wk2wIccWRBO4bNHPIGfiBhqAODaMW2s2zsUXQjbTRfAevbMiz6t4dOXMm8eMpuNSl0l1KkTyGhLyXJ3X.AtKGw",
            "$pbkdf2$1000$jXHu/Z8zBkBoTalVCiHkfA$KQHacrwyn8Py9UzF/l3Yee267NA",
            // the PHC spelling of the passlib sha256 hash above (same salt and output, standard base64)
            "$pbkdf2-sha256$i=1000,l=32$WWvNOUdIifH+nzOGMKa09g$8W54+/mwitALc5TH92yrkT0Q1CXiDkuOaDbHDvJu4Tg",
            // Django pbkdf2_sha256, pbkdf2_sha1, scrypt
            "pbkdf2_sha256$1000$somesalt123$WU90yuNgXxuU/bddW4X1otoJcNYYCiyMN6UB/yUVV0c=",
            "pbkdf2_sha1$1000$somesalt123$yh1UcUJCU5A708NUeQEB1RGLcz0=",
            "scrypt$1024$somesalt123$8$5$RdgEdrPcH9DKqO6Fq1ujCVx40zb1DCXULMxCoBc6ZTVU2QvLhIVsb+woXefZMkIBm3pPOPycgTrUZXCG4CexPQ==",
            // passlib scrypt
            "$scrypt$ln=10,r=8,p=1$aI2x9t7be0/JeS8FoJRSig$nZmf5ZHxTiL+zRI1axO2MI41rDG+m4gh3PO7PUR1gJg",
            // argon2 CLI: argon2i v=19 and v=16, argon2id with other costs than the server's
            "$argon2i$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0NTY3OA$VpRZDI5SaKPGVqaSzM3ujT+rPlhg0xNPwdKYFjntzA0",
            "$argon2i$v=16$m=1024,t=2,p=1$c29tZXNhbHQxMjM0NTY3OA$I3LeeXNA8ilpd0t+fZw3YxxNaZAIQH3ULlgXQdgf1PE",
            "$argon2id$v=19$m=2048,t=3,p=1$c29tZXNhbHQxMjM0NTY3OA$zj8ruB00YKfHonKOcdliW52nxTZVKpXuBnmWB1N0E0c",
    })
    void hashes_from_other_systems_verify_the_right_password_only(String stored) {
        assertThat(PasswordHasher.readable(stored)).isTrue();
        assertThat(hasher.verify(PASSWORD, stored)).isTrue();
        assertThat(hasher.verify("correct horsf", stored)).isFalse();
        assertThat(hasher.needsRehash(stored)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "plaintext", "$1$abcdefgh$abcdefghijklmnopqrstuv", "{SSHA}abcdef",
            "$2b$31$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.", // bcrypt cost above the bound
            "$2x$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.", // the buggy-crypt_blowfish marker
            "$argon2id$v=19$m=9999999,t=1,p=1$c29tZXNhbHQxMjM0NTY3OA$zj8ruB00YKfHonKOcdliW52nxTZVKpXuBnmWB1N0E0c",
            "$scrypt$ln=30,r=8,p=1$aI2x9t7be0/JeS8FoJRSig$nZmf5ZHxTiL+zRI1axO2MI41rDG+m4gh3PO7PUR1gJg",
            "scrypt$1000$somesalt123$8$5$RdgEdrPcH9DKqO6Fq1ujCVx40zb1DCXULMxCoBc6ZTVU2QvLhIVsb+woXefZMkIBm3pPOPycgTrUZXCG4CexPQ==",
            "pbkdf2_sha256$1000$somesalt123$A",
            "$pbkdf2-sha256$i=1000,l=16$WWvNOUdIifH+nzOGMKa09g$8W54+/mwitALc5TH92yrkT0Q1CXiDkuOaDbHDvJu4Tg",
    })
    void other_strings_are_not_readable_and_cost_the_decoy(String stored) {
        assertThat(PasswordHasher.readable(stored)).isFalse();
        long before = hasher.verifications();
        assertThat(hasher.verify(PASSWORD, stored)).isFalse();
        assertThat(hasher.verifications() - before).isEqualTo(1);
    }

    @Test
    void bcrypt_reads_72_bytes_of_the_password_as_the_reference_does() {
        // Python bcrypt 5.0 refuses longer passwords, so this hash is of exactly 72 bytes; a longer
        // password sharing them verifies, as under the C implementations that made most bcrypt hashes.
        String seventyTwo = "a".repeat(72);
        String stored = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b",
                seventyTwo.toCharArray(), new byte[16], 4);
        assertThat(hasher.verify(seventyTwo + "tail", stored)).isTrue();
        assertThat(hasher.verify("a".repeat(71), stored)).isFalse();
    }

    @Test
    void our_own_hash_with_the_current_parameters_needs_no_rehash() {
        String current = hasher.hash(PASSWORD);
        assertThat(hasher.needsRehash(current)).isFalse();
        assertThat(PasswordHasher.readable(current)).isTrue();
        assertThat(new PasswordHasher(new HashParameters(1024, 2, 1), new SecureRandom()).needsRehash(current)).isTrue();
    }
}
