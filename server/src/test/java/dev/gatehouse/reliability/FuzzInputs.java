package dev.gatehouse.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The bad inputs the fuzzing draws from. Bodies are built as JSON text by hand, not through a
 * mapper, so that they can hold what a mapper would refuse to write: lone surrogates, duplicate
 * keys, nesting past any limit, numbers no type holds.
 */
final class FuzzInputs {
    /** Field names the routes read, so that wrong types land where they are looked at. */
    static final List<String> FIELDS = List.of("email", "password", "username", "token", "tokenId", "arguments",
            "apiKey", "config", "name", "autoConfirm", "resetFunctionName", "search", "refresh_token", "options");

    private FuzzInputs() {}

    /** Any JSON-ish body, well-formed or not, as bytes. */
    static Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, objects().map(FuzzInputs::utf8)),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(512)),
                net.jqwik.api.Tuple.of(1, deepNesting().map(FuzzInputs::utf8)),
                net.jqwik.api.Tuple.of(1, hugeStrings().map(FuzzInputs::utf8)),
                net.jqwik.api.Tuple.of(2, values().map(FuzzInputs::utf8)),
                net.jqwik.api.Tuple.of(1, broken().map(FuzzInputs::utf8)));
    }

    /** Objects whose known fields hold anything at all. */
    static Arbitrary<String> objects() {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(FIELDS)),
                net.jqwik.api.Tuple.of(1, strings()));
        Arbitrary<String> member = Combinators.combine(key, values()).as((k, v) -> quote(k) + ":" + v);
        return member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
    }

    /** One JSON value: wrong types, odd numbers, Extended JSON, unicode, small nesting. */
    static Arbitrary<String> values() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                strings().map(FuzzInputs::quote),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "0", "-0", "1e400", "-1e400", "1e-400",
                        "123456789012345678901234567890", "0.1e99999999", "1.7976931348623157e309"),
                ejson());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalar),
                net.jqwik.api.Tuple.of(1, scalar.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(FIELDS), scalar)
                        .as((k, v) -> "{" + quote(k) + ":" + v + "}")));
    }

    /** Extended JSON that is wrong in every way a parser of it could trip on. */
    static Arbitrary<String> ejson() {
        return Arbitraries.of(
                "{\"$numberInt\":\"x\"}", "{\"$numberInt\":\"99999999999\"}", "{\"$numberInt\":7}",
                "{\"$numberLong\":\"9223372036854775808\"}", "{\"$numberDouble\":\"NaN\"}", "{\"$numberDouble\":\"nope\"}",
                "{\"$numberDecimal\":\"1E+9999\"}", "{\"$date\":{\"$numberLong\":\"99999999999999999999\"}}",
                "{\"$date\":\"not a date\"}", "{\"$date\":-1e300}", "{\"$oid\":\"zz\"}", "{\"$oid\":12}",
                "{\"$binary\":{\"base64\":\"!!!\",\"subType\":\"zz\"}}", "{\"$binary\":\"AAA\",\"$type\":\"00\"}",
                "{\"$regularExpression\":{\"pattern\":\"(\",\"options\":\"q\"}}", "{\"$timestamp\":{\"t\":-1,\"i\":\"x\"}}",
                "{\"$symbol\":null}", "{\"$code\":1}", "{\"$minKey\":2}", "{\"$maxKey\":\"a\"}", "{\"$undefined\":true}",
                "{\"$dbPointer\":{}}", "{\"$uuid\":\"not-a-uuid\"}", "{\"$numberInt\":\"1\",\"$numberLong\":\"1\"}",
                "[{\"$date\":{\"$numberLong\":\"1\"}},{\"$numberDecimal\":\"x\"}]");
    }

    /** Strings with control characters, escapes, emoji, lone surrogates and right-to-left marks. */
    static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.of("", " ", "a@b", "@", "x@y.z", "\u0000", "\ud800", "\udfff", "\ud83d\ude00", "\u202e",
                        "\ufeff", "a\r\nBcc: x@y.z", "%00", "../../etc/passwd", "'; DROP TABLE users; --", "$where",
                        "\\", "\"", "{\"$gt\":\"\"}", "6b0297b877851a1c4d9eaa7b", "ÿ".repeat(64)));
    }

    /** Arrays and objects nested from a little to far past the parser's depth limit. */
    static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 20_000), Arbitraries.of("[", "{\"a\":", "[{\"email\":"))
                .as((depth, open) -> open.repeat(depth) + "1");
    }

    /** Values around and past the request size limit (64 KiB in the suite). */
    static Arbitrary<String> hugeStrings() {
        return Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.integers().between(1_000, 70_000), Arbitraries.of("a", "é", "\ud83d\ude00", "\\u0000"))
                .as((field, n, unit) -> "{" + quote(field) + ":\"" + unit.repeat(n / unit.length()) + "\"}");
    }

    /** Almost-JSON: truncated, trailing data, duplicate keys, comments, single quotes, BOMs. */
    static Arbitrary<String> broken() {
        return Arbitraries.of("{", "}", "{\"email\":", "{\"email\":\"a@b\"", "{\"email\":\"a@b\"}}",
                "{\"email\":\"a@b\"} {}", "{\"email\":\"a\",\"email\":\"b\"}", "{/* c */}", "{'email':'a'}",
                "\ufeff{}", "{\"email\":\"\\ud800\"}", "{\"email\":\"\\u00\"}", "{\"a\":NaN}", "{\"a\":Infinity}",
                "[]", "\"\"", "null", "", " ", "{\"\":\"\"}", "{\"email\":\"a@b\",}", "{\"email\" \"a@b\"}");
    }

    /** Content types, right, wrong and malformed. */
    static Arbitrary<String> contentTypes() {
        return Arbitraries.oneOf(
                Arbitraries.of("application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
                        "application/json; charset=nonsense", "text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "multipart/form-data", "application/ejson", "*/*", ";", "a/b/c"),
                headerValues());
    }

    /** Authorization headers: empty, other schemes, garbage bearer tokens, forged-looking JWTs. */
    static Arbitrary<String> authorizations() {
        Arbitrary<String> base64 = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
                .ofMaxLength(200);
        return Arbitraries.oneOf(
                Arbitraries.of("Bearer", "Bearer ", "bearer x", "Basic YTpi", "Bearer a.b.c", "Bearer ...",
                        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5fQ.c2ln",
                        "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLy4uIn0.e30.AAAA"),
                headerValues().map(v -> "Bearer " + v),
                Combinators.combine(base64, base64, base64).as((a, b, c) -> "Bearer " + a + "." + b + "." + c),
                Arbitraries.integers().between(1_000, 7_000).map(n -> "Bearer " + "x".repeat(n)));
    }

    /** Printable header values (what an HTTP client lets through), sometimes long. */
    static Arbitrary<String> headerValues() {
        return Arbitraries.strings().withCharRange('!', '~').withChars(' ', '\t').ofMinLength(1).ofMaxLength(300)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    /** Values for path segments and query parameters, to be URL-encoded by the caller. */
    static Arbitrary<String> segments() {
        return Arbitraries.oneOf(strings().filter(s -> !s.isEmpty()),
                Arbitraries.of("6b0297b877851a1c4d9eaa7b", "000000000000000000000000", "..", ".", "%", "a/b", "-1",
                        "99999999999999999999", "gatehouse-local"),
                Arbitraries.integers().between(200, 3_000).map("a"::repeat));
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        // Escaped, so that lone surrogates reach the server's parser as written.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
