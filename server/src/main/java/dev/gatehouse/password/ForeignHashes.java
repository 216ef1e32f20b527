package dev.gatehouse.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Password hashes made by other systems, imported with their users and replaced by Gatehouse's own
 * Argon2id at the first successful login. docs/passwords.md lists exactly the accepted strings.
 * All the cryptography is Bouncy Castle's; comparisons are constant-time. Costs are bounded, so that
 * an imported hash cannot make one login take minutes or gigabytes.
 */
final class ForeignHashes {
    static final int BCRYPT_MAX_COST = 16;
    static final int PBKDF2_MAX_ITERATIONS = 10_000_000;
    static final long SCRYPT_MAX_BYTES = 256L * 1024 * 1024;

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final Pattern ARGON2 = Pattern.compile(
            "\\$argon2(id|i|d)\\$(?:v=(16|19)\\$)?m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    /** passlib: {@code $pbkdf2-sha256$rounds$salt$hash}, salt and hash in its "ab64" ('.' for '+'). */
    private static final Pattern PASSLIB_PBKDF2 = Pattern.compile(
            "\\$pbkdf2(-sha256|-sha512)?\\$(\\d{1,8})\\$([./A-Za-z0-9]+)\\$([./A-Za-z0-9]+)");
    /** PHC form: {@code $pbkdf2-sha256$i=rounds[,l=length]$salt$hash}, standard base64 without padding. */
    private static final Pattern PHC_PBKDF2 = Pattern.compile(
            "\\$pbkdf2-(sha1|sha256|sha512)\\$i=(\\d{1,8})(?:,l=(\\d{1,3}))?\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    /** Django: {@code pbkdf2_sha256$iterations$salt$hash}; the salt is used as text, the hash is padded base64. */
    private static final Pattern DJANGO_PBKDF2 = Pattern.compile(
            "pbkdf2_(sha1|sha256)\\$(\\d{1,8})\\$([^$]+)\\$([A-Za-z0-9+/]+={0,2})");
    /** passlib / PHC: {@code $scrypt$ln=log2(N),r=..,p=..$salt$hash}. */
    private static final Pattern PHC_SCRYPT = Pattern.compile(
            "\\$scrypt\\$ln=(\\d{1,2}),r=(\\d{1,3}),p=(\\d{1,3})\\$([./A-Za-z0-9+]+)\\$([./A-Za-z0-9+]+)");
    /** Django: {@code scrypt$N$salt$r$p$hash}; the salt is used as text, the hash is padded base64. */
    private static final Pattern DJANGO_SCRYPT = Pattern.compile(
            "scrypt\\$(\\d{1,8})\\$([^$]+)\\$(\\d{1,3})\\$(\\d{1,3})\\$([A-Za-z0-9+/]+={0,2})");

    private ForeignHashes() {}

    /** A parsed foreign hash: checks a password (UTF-8 bytes) against it. */
    @FunctionalInterface
    interface Check {
        boolean matches(byte[] password);
    }

    /** The check for a stored string in one of the accepted formats, or null when it is none of them. */
    static Check parse(String stored) {
        if (stored == null || stored.length() > 1024) {
            return null;
        }
        try {
            Matcher m;
            if ((m = BCRYPT.matcher(stored)).matches()) {
                return bcrypt(stored, Integer.parseInt(m.group(1)));
            }
            if ((m = ARGON2.matcher(stored)).matches()) {
                return argon2(m);
            }
            if ((m = PASSLIB_PBKDF2.matcher(stored)).matches()) {
                String digest = m.group(1) == null ? "sha1" : m.group(1).substring(1);
                return pbkdf2(digest, Integer.parseInt(m.group(2)), ab64(m.group(3)), ab64(m.group(4)));
            }
            if ((m = PHC_PBKDF2.matcher(stored)).matches()) {
                byte[] hash = b64(m.group(5));
                if (m.group(3) != null && Integer.parseInt(m.group(3)) != hash.length) {
                    return null;
                }
                return pbkdf2(m.group(1), Integer.parseInt(m.group(2)), b64(m.group(4)), hash);
            }
            if ((m = DJANGO_PBKDF2.matcher(stored)).matches()) {
                return pbkdf2(m.group(1), Integer.parseInt(m.group(2)), m.group(3).getBytes(StandardCharsets.UTF_8),
                        b64(m.group(4)));
            }
            if ((m = PHC_SCRYPT.matcher(stored)).matches()) {
                int log2n = Integer.parseInt(m.group(1));
                if (log2n < 1 || log2n > 30) {
                    return null;
                }
                return scrypt(1 << log2n, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), ab64(m.group(4)),
                        ab64(m.group(5)));
            }
            if ((m = DJANGO_SCRYPT.matcher(stored)).matches()) {
                return scrypt(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                        m.group(2).getBytes(StandardCharsets.UTF_8), b64(m.group(5)));
            }
        } catch (IllegalArgumentException e) {
            // Bad base64 or numbers out of range: not a hash this class can check.
            return null;
        }
        return null;
    }

    private static Check bcrypt(String stored, int cost) {
        if (cost < 4 || cost > BCRYPT_MAX_COST) {
            return null;
        }
        // bcrypt reads at most 72 bytes of the password; the reference implementations ignore the
        // rest, and so must we to accept the passwords they accepted.
        return password -> OpenBSDBCrypt.checkPassword(stored, Arrays.copyOf(password, Math.min(password.length, 72)));
    }

    private static Check argon2(Matcher m) {
        int type = switch (m.group(1)) {
            case "id" -> Argon2Parameters.ARGON2_id;
            case "i" -> Argon2Parameters.ARGON2_i;
            default -> Argon2Parameters.ARGON2_d;
        };
        // No version field is the first published version, 0x10 (16).
        int version = "19".equals(m.group(2)) ? Argon2Parameters.ARGON2_VERSION_13 : Argon2Parameters.ARGON2_VERSION_10;
        HashParameters cost = new HashParameters(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)));
        byte[] salt = b64(m.group(6));
        byte[] expected = b64(m.group(7));
        if (!cost.problems().isEmpty() || salt.length < 8 || expected.length < 4) {
            return null;
        }
        return password -> {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(cost.memoryKib())
                    .withIterations(cost.iterations()).withParallelism(cost.parallelism()).withSalt(salt).build());
            byte[] out = new byte[expected.length];
            generator.generateBytes(password, out);
            return MessageDigest.isEqual(expected, out);
        };
    }

    private static Check pbkdf2(String digestName, int iterations, byte[] salt, byte[] expected) {
        if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS || expected.length < 8 || expected.length > 128) {
            return null;
        }
        return password -> {
            Digest digest = switch (digestName) {
                case "sha1" -> new SHA1Digest();
                case "sha256" -> new SHA256Digest();
                default -> new SHA512Digest();
            };
            PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest);
            generator.init(password, salt, iterations);
            byte[] out = ((KeyParameter) generator.generateDerivedParameters(expected.length * 8)).getKey();
            return MessageDigest.isEqual(expected, out);
        };
    }

    private static Check scrypt(int n, int r, int p, byte[] salt, byte[] expected) {
        boolean powerOfTwo = n > 1 && (n & (n - 1)) == 0;
        if (!powerOfTwo || r < 1 || p < 1 || p > 16 || 128L * n * r > SCRYPT_MAX_BYTES || 128L * r * p > SCRYPT_MAX_BYTES
                || expected.length < 8 || expected.length > 128) {
            return null;
        }
        return password -> MessageDigest.isEqual(expected, SCrypt.generate(password, salt, n, r, p, expected.length));
    }

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    /** passlib's "adapted base64": standard base64 with '.' for '+', no padding. */
    private static byte[] ab64(String s) {
        return Base64.getDecoder().decode(s.replace('.', '+'));
    }
}
