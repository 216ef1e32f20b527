"""bench/run-load: HTTP load on a real Gatehouse process with wrk, and start-up time. See bench/README.md."""
import argparse
import json
import os
import subprocess
import time

import harness
from gatehouse import CHEAP, PASSWORD, Gatehouse, write_lines

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SETTLE_S = 8


def args():
    p = argparse.ArgumentParser(prog="bench/run-load")
    p.add_argument("--seconds", type=int, default=8, help="each measured wrk run")
    p.add_argument("--warmup", type=int, default=3, help="each flow's warm-up run, at 16 connections")
    p.add_argument("--connections", default="4,16,64")
    p.add_argument("--flows", default="login,register,refresh,profile,confirm")
    p.add_argument("--users", type=int, default=32, help="confirmed users seeded for login/refresh/profile")
    p.add_argument("--hash-seconds", type=int, default=5, help="each single-connection login run timing the hash")
    p.add_argument("--jit-quiet", type=float, default=0.02, help="login warm-up ends once the JIT compiler "
                   "threads use less than this many cores in each 5 s run of a cycle through 1 and every "
                   "--connections")
    p.add_argument("--login-warmup-limit", type=int, default=240, help="longest login warm-up (s)")
    p.add_argument("--startups", type=int, default=3, help="start-up repetitions (0: skip)")
    p.add_argument("--jvm", default="", help="extra JVM options for the server (e.g. a JFR recording)")
    p.add_argument("--compare-jvm", default="", help="JVM options of a variant whose start-up, RSS and default-"
                   "hashing flows run after the baseline's in the same run, with ratios variant / baseline")
    p.add_argument("--json", default=os.path.join(ROOT, "bench/target/load-results.json"))
    return p.parse_args()


def line(flow, r, extra=""):
    print(f"{flow:<9} {r['connections']:>4} {r['rps']:>9.1f} {r['p50_us'] / 1000:>9.2f} {r['p99_us'] / 1000:>9.2f} "
          f"{r['server_cores']:>6.2f} {r['jit_cores']:>5.2f} {r['wrk_cores']:>5.2f} {r['rss_mib']:>7.0f} "
          f"{r['requests']:>8} {extra}"
          f"{harness.errors_of(r)}", flush=True)


HEADER = (f"{'flow':<9} {'conn':>4} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'cores':>6} {'jit':>5} {'wrk':>5} "
          f"{'RSS MiB':>7} {'requests':>8}")


def hash_time(gh, emails_file, seconds):
    """Mean Argon2id verify time, single-threaded: one connection logging in, the server otherwise idle."""
    s0, n0 = gh.hash_timer()
    r = harness.wrk(gh.base, gh.userpass + "/login", 1, seconds, "POST", "body", emails_file,
                    content_type="application/json", pid=gh.java_pid())
    s1, n1 = gh.hash_timer()
    return (s1 - s0) / (n1 - n0), r["server_cores"] / r["rps"]


def login_warmup(a, gh, pid, spec, label, conns):
    """Logs in 5 s at a time, cycling through one connection (the hash timing) and every measured
    concurrency, until the JIT compiler threads stay quiet for a whole cycle: at ~100 logins/s a method
    called once per login needs a minute or two to reach C2's thresholds, and until then the compiler
    takes CPU that a long-running server no longer spends (seen: 0.15 of 2 cores after 20 s). Warming at
    16 connections alone was not enough: the first measured run after the one-connection timing still
    showed 0.06-0.24 cores of JIT, since each concurrency takes other branches (an idle or a full hash
    queue, contended locks) that the JIT compiles or deoptimizes on first sight; and the hash timing's
    /metrics scrape (a GET answered in text) sent Jetty's request and response code, compiled for JSON
    POSTs only, back to the interpreter (uncommon traps in HttpParser.parseNext, Response.setContentType,
    HttpGenerator.generateResponse in -Xlog:jit+compilation), so each run here scrapes it too, as Prometheus
    would a production server. Measuring before it settles would charge warm-up to every login run.
    Returns (seconds, the cycle's highest jit cores)."""
    t0 = time.monotonic()
    cycle = [1, *conns]
    recent = []
    while True:
        c = cycle[len(recent) % len(cycle)]
        r = harness.wrk(gh.base, connections=c, seconds=5, prefix=f"j{label}", pid=pid, **spec)
        gh.hash_timer()  # a /metrics scrape, as the hash timing does (and Prometheus would)
        recent = (recent + [r["jit_cores"]])[-len(cycle):]
        waited = time.monotonic() - t0
        quiet = len(recent) == len(cycle) and max(recent) < a.jit_quiet
        if quiet or waited >= a.login_warmup_limit:
            return waited, max(recent)


def hash_ceiling():
    """The reference Argon2id (OWASP costs) on one thread and on every CPU at once, in alternating
    rounds (bench/load/hash_ceiling.c): medians of ms per hash, or None without the binary."""
    binary = os.environ.get("GATEHOUSE_HASH_CEILING")
    if not binary:
        return None
    out = subprocess.run([binary, str(os.cpu_count()), "8", "40", "19456", "2"], capture_output=True, text=True,
                         check=True).stdout
    r = json.loads(out)
    return {"one_ms": harness.median(r["one_ms"]), "all_ms": harness.median(r["all_ms"]), "raw": r}


def startup(a, variants):
    """Process start to the first 200 from the location route, and RSS 2 s later (idle), per JVM variant,
    alternating; the baseline is the JVM starting the same jar for `--version` (no server)."""
    harness.banner(f"start-up, {a.startups} times each, fresh data dir each")
    java = os.environ.get("GATEHOUSE_JAVA", "java")
    # The baseline is a bare JVM running the CLI: without the server's ahead-of-time cache, which loads
    # every class the server uses at once (--version took 1.0 s with it, 0.6 s without).
    flags = [f for f in os.environ.get("GATEHOUSE_JAVA_FLAGS", "").split() if not f.startswith("-XX:AOTCache=")]
    out = {"jvm_version_s": []}
    for i in range(a.startups):
        t0 = time.monotonic()
        subprocess.run([java, *flags, "-jar", os.path.join(ROOT, "server/target/gatehouse.jar"), "--version"],
                       capture_output=True, check=True)
        out["jvm_version_s"].append(time.monotonic() - t0)
        for label, jvm in variants:
            gh = Gatehouse(ROOT, jvm_extra=jvm)
            try:
                ready = gh.ready()
                time.sleep(2)
                rss = harness.rss_mib(gh.java_pid())
            finally:
                gh.stop()
            out.setdefault(label, []).append({"seconds": ready, "idle_rss_mib": rss})
            print(f"  {label:<8} start {i + 1}: first 200 after {ready:.3f} s, idle RSS {rss:.0f} MiB "
                  f"(baseline `gatehouse.jar --version`: {out['jvm_version_s'][-1]:.3f} s)", flush=True)
    base = harness.median(out["jvm_version_s"])
    for label, _ in variants:
        s = harness.median([x["seconds"] for x in out[label]])
        rss = harness.median([x["idle_rss_mib"] for x in out[label]])
        out[label + "_median"] = {"seconds": s, "idle_rss_mib": rss, "ratio_to_version": s / base}
        print(f"  {label:<8} median: first 200 after {s:.3f} s = {s / base:.1f} x the `--version` run "
              f"({base:.3f} s); idle RSS {rss:.0f} MiB")
    return out


def owasp_phase(a, label, jvm, conns, flows, tmp, results):
    """Login, register, refresh, profile on a server with the default Argon2id; hash time before and after."""
    harness.banner(f"[{label}] server with the default Argon2id (m=19456 KiB, t=2, p=1) {' '.join(jvm)}")
    out = {"label": label, "jvm": " ".join(jvm)}
    errors = 0
    gh = Gatehouse(ROOT, jvm_extra=jvm)
    try:
        gh.ready()
        pid = gh.java_pid()
        t0 = time.monotonic()
        emails, logins = gh.seed(a.users, "u")
        print(f"seeded {a.users} confirmed users over HTTP in {time.monotonic() - t0:.1f} s")
        login_file = write_lines(os.path.join(tmp, "logins"),
                                 [json.dumps({"username": e, "password": PASSWORD}) for e in emails])
        refresh_file = write_lines(os.path.join(tmp, "refresh"), [l["refresh_token"] for l in logins])
        access_file = write_lines(os.path.join(tmp, "access"), [l["access_token"] for l in logins])
        spec = {
            "login": dict(path=gh.userpass + "/login", method="POST", mode="body", items=login_file,
                          content_type="application/json"),
            "register": dict(path=gh.userpass + "/register", method="POST", mode="register",
                             content_type="application/json", password=PASSWORD),
            "refresh": dict(path=gh.app + "/auth/session", method="POST", mode="bearer", items=refresh_file),
            "profile": dict(path=gh.app + "/auth/profile", method="GET", mode="bearer", items=access_file),
        }
        owasp_flows = [f for f in flows if f in spec]
        # The ceiling first: the server sits idle while it runs (8 s or more), and after 5 s idle it
        # collects its heap and hands its Argon2 blocks back; the warm-up then undoes that. (The first
        # measured run still shows 0.06-0.09 cores of JIT either way, after the one-connection hash
        # timing; the later runs 0.00-0.02.)
        ceiling_before = hash_ceiling()
        for flow in owasp_flows:  # warm-up: JIT, connection pools, SQLite caches
            harness.wrk(gh.base, connections=16, seconds=a.warmup, prefix=f"w{label}{flow}", pid=pid, **spec[flow])
        print(f"warmed up ({a.warmup:g} s per flow at 16 connections)")
        if "login" in owasp_flows:
            waited, jit = login_warmup(a, gh, pid, spec["login"], label, conns)
            out.update(login_warmup_s=waited, login_warmup_jit_cores=jit)
            print(f"login warmed up until the JIT went quiet: {waited:.0f} s at 1 and {a.connections} connections in "
                  f"turn, the JIT compiler used at most {jit:.3f} cores in the last cycle's 5 s runs"
                  + (" (limit reached)" if jit >= a.jit_quiet else ""))
        hash_before, cpu_before = hash_time(gh, login_file, a.hash_seconds)
        print(f"hash time (verify, 1 connection): {hash_before * 1000:.2f} ms; server CPU per login "
              f"{cpu_before * 1000:.2f} ms\n{HEADER}")
        # Each login run also gets the hash timed right before and right after it: on a shared machine one
        # hash alone moved from 14 to 39 ms within a run (2026-12-02), so a bound timed minutes away from
        # the run it divides says more about the neighbours than about the server.
        last = hash_before
        for c in conns:
            for flow in owasp_flows:
                if flow == "login" and last is None:
                    last, _ = hash_time(gh, login_file, a.hash_seconds)
                r = harness.wrk(gh.base, connections=c, seconds=a.seconds, prefix=f"r{label}{c}", pid=pid,
                                **spec[flow])
                r.update(flow=flow, hashing="default", variant=label)
                if flow == "login":
                    after, _ = hash_time(gh, login_file, a.hash_seconds)
                    r.update(hash_ms_around=(last + after) / 2 * 1000, hash_ms_before=last * 1000,
                             hash_ms_after=after * 1000)
                last = after if flow == "login" else None
                results["runs"].append(r)
                errors += bool(harness.errors_of(r))
                line(flow, r)
        hash_after, cpu_after = hash_time(gh, login_file, a.hash_seconds)
        ceiling_after = hash_ceiling()
        if ceiling_before and ceiling_after:
            one = (ceiling_before["one_ms"] + ceiling_after["one_ms"]) / 2
            every = (ceiling_before["all_ms"] + ceiling_after["all_ms"]) / 2
            out.update(ceiling_one_ms=one, ceiling_all_ms=every, ceiling_before=ceiling_before["raw"],
                       ceiling_after=ceiling_after["raw"])
            print(f"reference Argon2id (hash_ceiling, -march=native, huge pages): {one:.2f} ms alone, {every:.2f} ms "
                  f"each with all {os.cpu_count()} CPUs hashing (medians of 8 alternating rounds, before and after)")
        # RSS "after load" is read once the server has been idle for SETTLE_S: the Argon2 block pool
        # (1 s idle), the JVM's native-heap trim (2 s) and the idle collection (5 s without a request,
        # maintenance/IdleHeap) give memory back by then. Also read at once, and the peak (VmHWM).
        rss_end = harness.rss_mib(pid)
        time.sleep(SETTLE_S)
        out.update(rss_end_of_load_mib=rss_end, hash_ms=(hash_before + hash_after) / 2 * 1000, hash_before_ms=hash_before * 1000,
                   hash_after_ms=hash_after * 1000, login_cpu_ms=(cpu_before + cpu_after) / 2 * 1000,
                   rss_after_load_mib=harness.rss_mib(pid), hwm_mib=harness.rss_mib(pid, "VmHWM"))
        print(f"hash time (verify, 1 connection): {hash_after * 1000:.2f} ms after, mean {out['hash_ms']:.2f} ms; "
              f"server CPU per login at 1 connection: mean {out['login_cpu_ms']:.2f} ms")
        print(f"RSS after load {out['rss_after_load_mib']:.0f} MiB, {SETTLE_S} s after the last request "
              f"({out['rss_end_of_load_mib']:.0f} MiB at once; peak {out['hwm_mib']:.0f} MiB)")
    finally:
        gh.stop()
    return out, errors


def cheap_phase(a, jvm, conns, flows, tmp, results):
    """Confirm (no hash in it) and login's cost without the hash, on a server with the cheapest Argon2id."""
    harness.banner("server with the cheapest Argon2id (m=8 KiB, t=1, p=1): confirm, and login without the hash")
    errors = 0
    cheap = {}
    gh = Gatehouse(ROOT, extra_args=CHEAP, jvm_extra=jvm)
    try:
        gh.ready()
        pid = gh.java_pid()
        emails, logins = gh.seed(a.users, "c")
        login_file = write_lines(os.path.join(tmp, "cheap-logins"),
                                 [json.dumps({"username": e, "password": PASSWORD}) for e in emails])
        login = dict(path=gh.userpass + "/login", method="POST", mode="body", items=login_file,
                     content_type="application/json")
        harness.wrk(gh.base, connections=16, seconds=a.warmup, pid=pid, **login)
        if "confirm" in flows:
            # Pending users with one confirmation token each: registered over HTTP (cheap hashing), their
            # tokens read from the dev mailbox's table. Sized so that each confirm run usually outlasts
            # --seconds; a wrk thread that runs out stops early and the line says so.
            t0 = time.monotonic()
            reg = harness.wrk(gh.base, gh.userpass + "/register", 16, a.seconds * len(conns) * 1.8, "POST",
                              "register", content_type="application/json", prefix="pending", password=PASSWORD,
                              pid=pid)
            tokens = [json.dumps(t) for t in gh.confirmation_tokens()][a.users:]  # the seeded users' are used
            print(f"{len(tokens)} pending users' tokens made in {time.monotonic() - t0:.1f} s "
                  f"(cheap register at 16 connections: {reg['rps']:.0f}/s){harness.errors_of(reg)}")
            share = len(tokens) // len(conns)
            print(HEADER)
            for i, c in enumerate(conns):
                f = write_lines(os.path.join(tmp, f"tokens-{c}"), tokens[i * share:(i + 1) * share])
                r = harness.wrk(gh.base, gh.userpass + "/confirm", c, a.seconds, "POST", "body", f, once=True,
                                content_type="application/json", pid=pid)
                r.update(flow="confirm", hashing="cheap", variant="baseline")
                results["runs"].append(r)
                # A thread that ran out stopped early; its last request may repeat a used token (a 4xx).
                note = f"(tokens ran out in {r['threads_ran_out']} wrk threads) " if r["threads_ran_out"] else ""
                errors += bool(harness.errors_of(r)) and not r["threads_ran_out"]
                line("confirm", r, note)
        # Warmed as the default server's login is, at the two concurrencies measured here: with only the
        # 3 s warm-up above, a login-only run (no confirm runs first) measured 0.7 cores of JIT in these runs.
        waited, jit = login_warmup(a, gh, pid, login, "c", [16])
        print(f"login at the cheapest hashing (all but the hash), after {waited:.0f} s of warm-up at 1 and 16 "
              f"connections (the JIT at most {jit:.3f} cores in the last cycle):")
        for c in [1, 16]:
            r = harness.wrk(gh.base, connections=c, seconds=a.seconds, pid=pid, **login)
            r.update(flow="login-cheap", hashing="cheap", variant="baseline")
            results["runs"].append(r)
            errors += bool(harness.errors_of(r))
            cheap[c] = r
            line("login-ch", r)
        results["rss_after_cheap_mib"] = harness.rss_mib(pid)
    finally:
        gh.stop()
    return cheap, errors


def main():
    a = args()
    conns = [int(c) for c in a.connections.split(",")]
    flows = a.flows.split(",")
    variants = [("baseline", a.jvm.split())]
    if a.compare_jvm:
        variants.append(("variant", a.jvm.split() + a.compare_jvm.split()))
    cpus = os.cpu_count()
    results = {"machine": harness.machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "seconds": a.seconds, "runs": [], "variants": {}}
    print(f"machine: {results['machine']}; {results['date']}")
    print(f"java: {os.environ.get('GATEHOUSE_JAVA')} {os.environ.get('GATEHOUSE_JAVA_FLAGS')} {a.jvm}")
    if a.compare_jvm:
        print(f"variant adds: {a.compare_jvm}")
    print(subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0])
    tmp = harness.scratch_dir("load-items-")
    errors = 0
    if a.startups:
        results["startup"] = startup(a, variants)
    for label, jvm in variants:
        out, e = owasp_phase(a, label, jvm, conns, flows, tmp, results)
        results["variants"][label] = out
        errors += e
    cheap, e = cheap_phase(a, variants[0][1], conns, flows, tmp, results)
    errors += e
    harness.remove(tmp)

    # --- Summary against the goals of issue #9.
    harness.banner("summary (ratios within this run)")
    base = results["variants"]["baseline"]
    hash_ms, cpu_ms1 = base["hash_ms"], base["login_cpu_ms"]
    print(f"one Argon2id verify (OWASP), single-threaded: {hash_ms:.2f} ms by the server's timer (wall), "
          f"{cpu_ms1:.2f} ms of server CPU per login at 1 connection")
    print(f"hash-bound login limit = {cpus} cores / hash = {cpus * 1000 / hash_ms:.1f} logins/s (timer), "
          f"{cpus * 1000 / cpu_ms1:.1f} logins/s (CPU per login)")
    ceiling = None
    if "ceiling_all_ms" in base:
        # The same bound for the reference C code, and what it reaches with every CPU hashing: the most
        # logins/s any server could serve here at these costs.
        ceiling = cpus * 1000 / base["ceiling_all_ms"]
        results.update(ceiling_rps=ceiling, ceiling_fraction=base["ceiling_one_ms"] / base["ceiling_all_ms"])
        print(f"the machine's Argon2id ceiling: the reference C code hashes {ceiling:.1f}/s with all {cpus} CPUs at "
              f"once = {results['ceiling_fraction']:.2f} of its own {cpus} cores / hash ({base['ceiling_one_ms']:.2f} "
              f"ms alone, {base['ceiling_all_ms']:.2f} ms each beside the others)")
    for r in results["runs"]:
        if r["flow"] == "login" and r["variant"] == "baseline":
            bound = cpus * 1000 / hash_ms
            got = r["server_cores"] * 1000 / cpu_ms1
            r["fraction_of_bound"] = r["rps"] / bound
            r["fraction_of_cores_got"] = r["rps"] / got
            # A long-running server no longer compiles; where the JIT still took CPU in a run (see
            # login_warmup), this is the ratio had that CPU gone to logins at the run's own rate.
            r["fraction_of_bound_without_jit"] = r["fraction_of_bound"] * cpus / max(cpus - r["jit_cores"], 0.01)
            r["fraction_of_bound_around"] = r["rps"] * r["hash_ms_around"] / (cpus * 1000)
            of_ceiling = ""
            if ceiling:
                r["fraction_of_ceiling"] = r["rps"] / ceiling
                of_ceiling = f"; {r['fraction_of_ceiling']:.2f} of the machine's ceiling"
            print(f"  login {r['connections']:>3} conn: {r['rps']:.1f}/s = {r['fraction_of_bound']:.2f} of {cpus} "
                  f"cores' bound, {r['fraction_of_bound_around']:.2f} by the hash timed around this run "
                  f"({r['hash_ms_before']:.2f} and {r['hash_ms_after']:.2f} ms){of_ceiling}; "
                  f"{r['fraction_of_cores_got']:.2f} of what the {r['server_cores']:.2f} "
                  f"cores the server got allow at 1 connection's CPU per login (wrk took {r['wrk_cores']:.2f} cores, "
                  f"the JIT {r['jit_cores']:.2f}; {r['fraction_of_bound_without_jit']:.2f} of the bound had the JIT's "
                  f"CPU gone to logins)")
    c1, c16 = cheap[1], cheap[16]
    cpu_ms = c16["server_cores"] / c16["rps"] * 1000
    results.update(hash_ms=hash_ms, nonhash_latency_fraction=c1["p50_us"] / 1000 / hash_ms, nonhash_cpu_ms=cpu_ms,
                   nonhash_cpu_fraction=cpu_ms / hash_ms, nonhash_cpu_fraction_of_cpu=cpu_ms / cpu_ms1)
    print(f"  login without the hash: p50 {c1['p50_us'] / 1000:.2f} ms at 1 connection = "
          f"{results['nonhash_latency_fraction']:.3f} of one hash; {cpu_ms:.2f} ms of server CPU per login at 16 "
          f"connections = {results['nonhash_cpu_fraction']:.3f} of one hash's time, "
          f"{results['nonhash_cpu_fraction_of_cpu']:.3f} of an OWASP login's CPU (goal < 0.10)")
    for label, out in results["variants"].items():
        best = {}
        for r in results["runs"]:
            if r.get("variant") == label and r["hashing"] == "default":
                best[r["flow"]] = max(best.get(r["flow"], 0), r["rps"])
        out["best_rps"] = best
        print(f"  [{label}] best req/s: " + ", ".join(f"{f} {v:.0f}" for f, v in best.items())
              + f"; refresh goal >= 5000; RSS after load {out['rss_after_load_mib']:.0f} MiB, peak "
              f"{out['hwm_mib']:.0f} (goal < 200 MB = 191 MiB)")
    if a.compare_jvm:
        v, b = results["variants"]["variant"], results["variants"]["baseline"]
        print("  variant / baseline: " + ", ".join(
            f"{f} {v['best_rps'].get(f, 0) / b['best_rps'][f]:.2f}" for f in b["best_rps"] if b["best_rps"][f])
              + f"; RSS after load {v['rss_after_load_mib'] / b['rss_after_load_mib']:.2f}")
    harness.finish(a.json, results, errors)


if __name__ == "__main__":
    main()
