"""bench/run-load: HTTP load on a real Gatehouse process with wrk, and start-up time. See bench/README.md."""
import argparse
import json
import os
import subprocess
import sys
import time

import harness
from gatehouse import CHEAP, PASSWORD, Gatehouse, write_lines

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def args():
    p = argparse.ArgumentParser(prog="bench/run-load")
    p.add_argument("--seconds", type=int, default=8, help="each measured wrk run")
    p.add_argument("--warmup", type=int, default=3, help="each flow's warm-up run, at 16 connections")
    p.add_argument("--connections", default="4,16,64")
    p.add_argument("--flows", default="login,register,refresh,profile,confirm")
    p.add_argument("--users", type=int, default=64, help="confirmed users seeded for login/refresh/profile")
    p.add_argument("--hash-seconds", type=int, default=5, help="each single-connection login run timing the hash")
    p.add_argument("--startups", type=int, default=5, help="start-up repetitions (0: skip)")
    p.add_argument("--jvm", default="", help="extra JVM options for the server (e.g. a JFR recording)")
    p.add_argument("--json", default=os.path.join(ROOT, "bench/target/load-results.json"))
    return p.parse_args()


def line(flow, r, extra=""):
    print(f"{flow:<9} {r['connections']:>4} {r['rps']:>9.1f} {r['p50_us'] / 1000:>9.2f} {r['p99_us'] / 1000:>9.2f} "
          f"{r['server_cores']:>6.2f} {r['wrk_cores']:>5.2f} {r['rss_mib']:>7.0f} {r['requests']:>8} {extra}"
          f"{harness.errors_of(r)}", flush=True)


HEADER = (f"{'flow':<9} {'conn':>4} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'cores':>6} {'wrk':>5} "
          f"{'RSS MiB':>7} {'requests':>8}")


def hash_time(gh, emails_file, seconds):
    """Mean Argon2id verify time, single-threaded: one connection logging in, the server otherwise idle."""
    s0, n0 = gh.hash_timer()
    r = harness.wrk(gh.base, gh.userpass + "/login", 1, seconds, "POST", "body", emails_file,
                    content_type="application/json", pid=gh.java_pid())
    s1, n1 = gh.hash_timer()
    return (s1 - s0) / (n1 - n0), r


def main():
    a = args()
    conns = [int(c) for c in a.connections.split(",")]
    flows = a.flows.split(",")
    jvm = a.jvm.split()
    cpus = os.cpu_count()
    results = {"machine": harness.machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "seconds": a.seconds, "runs": [], "startup": []}
    print(f"machine: {results['machine']}; {results['date']}")
    print(f"java: {os.environ.get('GATEHOUSE_JAVA')} {os.environ.get('GATEHOUSE_JAVA_FLAGS')} {a.jvm}")
    print(subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0])
    tmp = harness.scratch_dir("load-items-")
    errors = 0

    # --- Start-up: process start to the first 200 from the location route; RSS 2 s later, idle.
    if a.startups:
        harness.banner(f"start-up, {a.startups} times, fresh data dir each")
        for i in range(a.startups):
            gh = Gatehouse(ROOT, jvm_extra=jvm)
            try:
                ready = gh.ready()
                time.sleep(2)
                rss = harness.rss_mib(gh.java_pid())
            finally:
                gh.stop()
            results["startup"].append({"seconds": ready, "idle_rss_mib": rss})
            print(f"  start {i + 1}: first 200 after {ready:.3f} s, idle RSS {rss:.0f} MiB", flush=True)
        print(f"  median: {harness.median([s['seconds'] for s in results['startup']]):.3f} s, idle RSS "
              f"{harness.median([s['idle_rss_mib'] for s in results['startup']]):.0f} MiB")

    # --- Default (OWASP) hashing: login, register, refresh, profile.
    harness.banner("server with the default Argon2id (m=19456 KiB, t=2, p=1)")
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
        hash_before, _ = hash_time(gh, login_file, a.hash_seconds)
        print(f"hash time (verify, 1 connection): {hash_before * 1000:.2f} ms")
        for flow in owasp_flows:  # warm-up: JIT, connection pools, SQLite caches
            harness.wrk(gh.base, connections=16, seconds=a.warmup, prefix=f"w{flow}", pid=pid, **spec[flow])
        print(f"warmed up ({a.warmup:g} s per flow at 16 connections)\n{HEADER}")
        for c in conns:
            for flow in owasp_flows:
                r = harness.wrk(gh.base, connections=c, seconds=a.seconds, prefix=f"r{c}", pid=pid, **spec[flow])
                r.update(flow=flow, hashing="default")
                results["runs"].append(r)
                errors += bool(harness.errors_of(r))
                line(flow, r)
        hash_after, _ = hash_time(gh, login_file, a.hash_seconds)
        hash_s = (hash_before + hash_after) / 2
        results.update(hash_before_ms=hash_before * 1000, hash_after_ms=hash_after * 1000, hash_ms=hash_s * 1000,
                       rss_after_load_mib=harness.rss_mib(pid), hwm_mib=harness.rss_mib(pid, "VmHWM"))
        print(f"hash time (verify, 1 connection): {hash_after * 1000:.2f} ms after, mean {hash_s * 1000:.2f} ms")
        print(f"RSS after load {results['rss_after_load_mib']:.0f} MiB (peak {results['hwm_mib']:.0f} MiB)")
    finally:
        gh.stop()

    # --- Cheapest hashing: confirm (no hash in it) and login's cost without the hash.
    harness.banner("server with the cheapest Argon2id (m=8 KiB, t=1, p=1): confirm, and login without the hash")
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
            # tokens read from the dev mailbox's table. Sized for each confirm run to outlast --seconds.
            t0 = time.monotonic()
            reg = harness.wrk(gh.base, gh.userpass + "/register", 16, a.seconds * len(conns) * 1.3, "POST",
                              "register", content_type="application/json", prefix="pending", password=PASSWORD,
                              pid=pid)
            tokens = [json.dumps(t) for t in gh.confirmation_tokens() if t]
            tokens = tokens[a.users:]  # the seeded users' tokens are used
            print(f"{len(tokens)} pending users' tokens made in {time.monotonic() - t0:.1f} s "
                  f"(cheap register at 16 connections: {reg['rps']:.0f}/s){harness.errors_of(reg)}")
            share = len(tokens) // len(conns)
            print(HEADER)
            for i, c in enumerate(conns):
                f = write_lines(os.path.join(tmp, f"tokens-{c}"), tokens[i * share:(i + 1) * share])
                r = harness.wrk(gh.base, gh.userpass + "/confirm", c, a.seconds, "POST", "body", f, once=True,
                                content_type="application/json", pid=pid)
                r.update(flow="confirm", hashing="cheap")
                results["runs"].append(r)
                # A thread that ran out stopped early; its last request repeated a used token (counted as non-2xx).
                note = f"(tokens ran out in {r['threads_ran_out']} wrk threads) " if r["threads_ran_out"] else ""
                errors += bool(harness.errors_of(r)) and not r["threads_ran_out"]
                line("confirm", r, note)
        print("login at the cheapest hashing (all but the hash):")
        cheap = {}
        for c in [1, 16]:
            r = harness.wrk(gh.base, connections=c, seconds=a.seconds, pid=pid, **login)
            r.update(flow="login-cheap", hashing="cheap")
            results["runs"].append(r)
            errors += bool(harness.errors_of(r))
            cheap[c] = r
            line("login-ch", r)
        results["rss_after_cheap_mib"] = harness.rss_mib(pid)
    finally:
        gh.stop()
    harness.remove(tmp)

    # --- Summary against the goals of issue #9.
    harness.banner("summary (ratios within this run)")
    hash_ms = results["hash_ms"]
    print(f"one Argon2id verify (OWASP) = {hash_ms:.2f} ms single-threaded; hash-bound login limit = "
          f"{cpus} cores / hash = {cpus * 1000 / hash_ms:.1f} logins/s")
    summary = {}
    for r in results["runs"]:
        if r["flow"] == "login" and r["hashing"] == "default":
            bound = cpus * 1000 / hash_ms
            bound_used = r["server_cores"] * 1000 / hash_ms
            summary.setdefault("login_fraction", []).append(r["rps"] / bound)
            print(f"  login {r['connections']:>3} conn: {r['rps']:.1f}/s = {r['rps'] / bound:.2f} of {cpus} cores' "
                  f"bound; {r['rps'] / bound_used:.2f} of the bound for the {r['server_cores']:.2f} cores the "
                  f"server got (wrk took {r['wrk_cores']:.2f})")
    c1 = cheap[1]
    c16 = cheap[16]
    cpu_ms = c16["server_cores"] / c16["rps"] * 1000
    results.update(nonhash_latency_fraction=c1["p50_us"] / 1000 / hash_ms, nonhash_cpu_ms=cpu_ms,
                   nonhash_cpu_fraction=cpu_ms / hash_ms)
    print(f"  login without the hash: p50 {c1['p50_us'] / 1000:.2f} ms at 1 connection = "
          f"{results['nonhash_latency_fraction']:.3f} of one hash; {cpu_ms:.2f} ms of server CPU per login at 16 "
          f"connections = {results['nonhash_cpu_fraction']:.3f} of one hash (goal < 0.10)")
    best = {}
    for r in results["runs"]:
        best[r["flow"]] = max(best.get(r["flow"], 0), r["rps"])
    print(f"  refresh: best {best.get('refresh', 0):.0f} req/s (goal >= 5000)")
    print(f"  RSS after load: {results['rss_after_load_mib']:.0f} MiB (goal < 200 MB = 191 MiB)")
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(results, f, indent=1)
    print(f"results: {a.json}")
    if errors:
        print(f"\n!!! {errors} RUN(S) HAD ERRORS: see the lines marked '!!! ERRORS' above", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
