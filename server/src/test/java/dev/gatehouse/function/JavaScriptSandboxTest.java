package dev.gatehouse.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.config.FunctionSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.bson.BsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript runtime's sandbox and limits, tested on the runtime itself so that each failure's
 * reason (what the server logs) can be checked, not only that the client got the contract's error.
 */
class JavaScriptSandboxTest {
    static final String TOKEN = "a".repeat(128);
    static final String TOKEN_ID = "5f1b2c3d4e5f60718293a4b5";
    static JsRuntime runtime;
    static HttpClient client;

    @BeforeAll
    static void start() {
        client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        FunctionSettings settings = FunctionSettings.defaults().withTimeout(Duration.ofSeconds(5))
                .withLimits(1_000_000, 64L * 1024 * 1024);
        runtime = new JsRuntime(settings, new FunctionHttp(new HostAllowList(List.of("allowed.example")), client));
    }

    @AfterAll
    static void stop() {
        runtime.close();
        client.close();
    }

    static FunctionCall confirmation() {
        return FunctionCall.confirmation("sandbox-app", "fn", "ada@example.com", TOKEN, TOKEN_ID);
    }

    static FunctionStatus run(JsRuntime js, String source, FunctionCall call) throws FunctionFailure {
        return js.run(js.compile("sandbox-app", "fn", source, "{}", "{\"tag\":\"\",\"values\":{}}"), call);
    }

    static String failure(JsRuntime js, String source) {
        try {
            FunctionStatus status = run(js, source, confirmation());
            throw new AssertionError("expected a failure, got " + status);
        } catch (FunctionFailure e) {
            return e.getMessage();
        }
    }

    static String failure(String source) {
        return failure(runtime, source);
    }

    @Test
    void runs_the_export_forms_app_services_used() throws FunctionFailure {
        assertThat(run(runtime, "exports = ({username}) => ({status: username === 'ada@example.com' ? 'success' : 'fail'});",
                confirmation())).isEqualTo(FunctionStatus.SUCCESS);
        assertThat(run(runtime, "exports = async function ({token, tokenId}) { return {status: 'pending'}; };",
                confirmation())).isEqualTo(FunctionStatus.PENDING);
        assertThat(run(runtime, "module.exports = () => Promise.resolve({status: 'fail'});", confirmation()))
                .isEqualTo(FunctionStatus.FAIL);
    }

    @Test
    void java_classes_and_the_polyglot_bridge_are_out_of_reach() throws FunctionFailure {
        assertThat(failure("exports = () => { Java.type('java.lang.Runtime').getRuntime().exec('id'); };"))
                .contains("ReferenceError").contains("Java is not defined");
        assertThat(run(runtime, "exports = () => ({status: [typeof Java, typeof Polyglot, typeof Packages, typeof java, "
                + "typeof Graal].every(t => t === 'undefined') ? 'success' : 'fail'});", confirmation()))
                .isEqualTo(FunctionStatus.SUCCESS);
    }

    @Test
    void files_processes_and_modules_are_out_of_reach() throws FunctionFailure {
        assertThat(failure("exports = () => { load('/etc/passwd'); };")).contains("load is not defined");
        assertThat(failure("exports = () => { require('fs').readFileSync('/etc/passwd'); };")).contains("require is not defined");
        assertThat(run(runtime, "exports = () => ({status: [typeof process, typeof read, typeof quit, typeof print]"
                + ".every(t => t === 'undefined') ? 'success' : 'fail'});", confirmation())).isEqualTo(FunctionStatus.SUCCESS);
        assertThat(failure("exports = async () => { await import('/etc/passwd'); };")).doesNotContain("root:");
    }

    @Test
    void http_to_a_host_off_the_allow_list_is_refused() {
        assertThat(failure("exports = async () => { await context.http.get({url: 'http://127.0.0.1:1/'}); "
                + "return {status: 'success'}; };"))
                .contains("host 127.0.0.1 is not on the server's function HTTP allow-list");
        assertThat(failure("exports = async () => { await context.http.post({url: 'file:///etc/passwd'}); };"))
                .contains("is not on the server's function HTTP allow-list");
        // The allow-list names hosts: a subdomain trick or user info does not get past it.
        assertThat(failure("exports = async () => { await context.http.get({url: 'http://allowed.example.evil.test/'}); };"))
                .contains("not on the server's function HTTP allow-list");
        assertThat(failure("exports = async () => { await context.http.get({url: 'http://allowed.example@evil.test/'}); };"))
                .contains("not on the server's function HTTP allow-list");
        // A refused request is an Error the function can catch, not a crash of the runtime.
        assertThat(failure("exports = async () => { try { await context.http.get({url: 'http://127.0.0.1:1/'}); } "
                + "catch (e) { return {status: e instanceof Error ? 'caught' : 'odd'}; } };"))
                .startsWith("returned {\"status\":\"caught\"}");
    }

    @Test
    void an_infinite_loop_is_stopped_by_the_statement_limit() {
        assertThat(failure("exports = () => { while (true) {} };")).isEqualTo("ran more than 1000000 statements");
    }

    @Test
    void a_slow_function_is_stopped_by_the_wall_clock_limit() {
        FunctionSettings settings = FunctionSettings.defaults().withTimeout(Duration.ofMillis(300))
                .withLimits(Long.MAX_VALUE / 2, 1L << 40);
        try (JsRuntime slow = new JsRuntime(settings, new FunctionHttp(new HostAllowList(List.of()), client))) {
            assertThat(failure(slow, "exports = () => { let x = 0; while (true) { x++; } };"))
                    .isEqualTo("timed out after 300ms");
        }
    }

    @Test
    void a_function_that_allocates_without_bound_is_stopped() {
        FunctionSettings settings = FunctionSettings.defaults().withTimeout(Duration.ofSeconds(30))
                .withLimits(Long.MAX_VALUE / 2, 16L * 1024 * 1024);
        try (JsRuntime small = new JsRuntime(settings, new FunctionHttp(new HostAllowList(List.of()), client))) {
            assertThat(failure(small, "exports = () => { const keep = []; while (true) keep.push(new Array(1000).fill(1.5)); };"))
                    .isEqualTo("allocated more than 16777216 bytes");
        }
    }

    @Test
    void syntax_errors_and_sources_without_a_function_are_found_when_compiling() {
        assertThatThrownBy(() -> runtime.compile("sandbox-app", "broken", "exports = function( {", "{}", "{}"))
                .isInstanceOf(FunctionFailure.class).hasMessageContaining("has a syntax error");
        assertThatThrownBy(() -> runtime.compile("sandbox-app", "value", "exports = 42;", "{}", "{}"))
                .isInstanceOf(FunctionFailure.class).hasMessageContaining("must assign a function to exports");
    }

    @Test
    void a_return_value_without_a_known_status_is_a_failure() {
        assertThat(failure("exports = () => 'success';")).isEqualTo("returned success instead of {status: 'success' | 'pending' | 'fail'}");
        assertThat(failure("exports = () => ({status: 'approved'});")).startsWith("returned {\"status\":\"approved\"}");
        assertThat(failure("exports = () => undefined;")).startsWith("returned undefined");
        assertThat(failure("exports = () => new Promise(() => {});")).isEqualTo("returned a promise that never settled");
        assertThat(failure("exports = async () => { throw new TypeError('no such user'); };"))
                .startsWith("threw TypeError: no such user");
    }

    @Test
    void nothing_leaks_from_one_call_to_the_next() throws FunctionFailure {
        String counter = "globalThis.calls = (globalThis.calls || 0) + 1;"
                + "exports = () => ({status: calls === 1 ? 'success' : 'fail'});";
        JsRuntime.JsFunction function = runtime.compile("sandbox-app", "counter", counter, "{}", "{\"tag\":\"\",\"values\":{}}");
        assertThat(runtime.run(function, confirmation())).isEqualTo(FunctionStatus.SUCCESS);
        assertThat(runtime.run(function, confirmation())).isEqualTo(FunctionStatus.SUCCESS);
    }

    @Test
    void console_output_goes_to_the_server_log_with_the_functions_name() throws FunctionFailure {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run(runtime, "exports = ({username}) => { console.log('checking', username, {n: 1}); "
                    + "console.error(new Error('careful')); return {status: 'success'}; };", confirmation());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("INFO console - [sandbox-app/fn] checking ada@example.com {\"n\":1}");
        assertThat(log).contains("ERROR console - [sandbox-app/fn] Error: careful");
    }

    /**
     * The arguments realm-web and the other SDKs send, as canonical Extended JSON, must arrive as the
     * JavaScript values an App Services function received. The function names the first mismatch.
     */
    @Test
    void extended_json_arguments_arrive_as_javascript_values() throws Exception {
        String sent = """
                ["arg1", {"$numberInt": "42"}, {"$numberDouble": "1.5"}, {"$numberLong": "7"},
                 {"$numberLong": "9007199254740993"}, {"$oid": "5f1b2c3d4e5f60718293a4b5"},
                 {"$date": {"$numberLong": "1700000000000"}}, {"nested": {"deep": [{"$numberInt": "1"}, "two"]}},
                 [{"$numberInt": "1"}, "two"], {"$numberDouble": "NaN"}, {"$numberDouble": "-Infinity"},
                 {"$numberDecimal": "1.10"}, null, true, {"$numberDouble": "-0.0"},
                 {"$binary": {"base64": "AQID", "subType": "00"}}, {"$regularExpression": {"pattern": "^a.c$", "options": "i"}}]
                """;
        BsonArray arguments = FunctionArguments.parse(new ObjectMapper().readTree(sent));
        String checks = """
                exports = (details, s, i, d, l, big, oid, date, doc, arr, nan, negInf, dec, nul, yes, negZero, bin, re) => {
                  const expect = (ok, what) => { if (!ok) throw new Error('wrong: ' + what); };
                  expect(details.password === 'new-pass' && details.currentPasswordValid === false, 'details');
                  expect(s === 'arg1', 'string');
                  expect(typeof i === 'number' && i === 42, '$numberInt');
                  expect(typeof d === 'number' && d === 1.5, '$numberDouble');
                  expect(typeof l === 'number' && l === 7, '$numberLong in range');
                  expect(typeof big === 'bigint' && big === 9007199254740993n, '$numberLong beyond 2^53');
                  expect(oid instanceof BSON.ObjectId && oid.toHexString() === '5f1b2c3d4e5f60718293a4b5', '$oid');
                  expect(date instanceof Date && date.getTime() === 1700000000000, '$date');
                  expect(doc.nested.deep[0] === 1 && doc.nested.deep[1] === 'two' && Array.isArray(doc.nested.deep), 'document');
                  expect(Array.isArray(arr) && arr.length === 2 && arr[0] === 1, 'array');
                  expect(Number.isNaN(nan) && negInf === -Infinity, 'NaN and -Infinity');
                  expect(dec instanceof BSON.Decimal128 && dec.toString() === '1.10', '$numberDecimal');
                  expect(nul === null && yes === true, 'null and true');
                  expect(Object.is(negZero, -0), '-0.0');
                  expect(bin instanceof BSON.Binary && bin.base64 === 'AQID', '$binary');
                  expect(re instanceof RegExp && re.test('ABC') && re.flags === 'i', '$regularExpression');
                  return {status: 'success'};
                };
                """;
        FunctionCall call = FunctionCall.reset("sandbox-app", "fn", "ada@example.com", "new-pass", TOKEN, TOKEN_ID, false, arguments);
        assertThat(run(runtime, checks, call)).isEqualTo(FunctionStatus.SUCCESS);
    }
}
