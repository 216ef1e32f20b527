"""bench/run-keycloak: Gatehouse against Keycloak (start-dev, H2) on the same machine, one server at a time,
alternating, Argon2id at the same parameters on both. See bench/README.md."""
import argparse
import json
import os
import shutil
import time
import urllib.parse

import harness
from gatehouse import PASSWORD, Gatehouse, write_lines

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REALM = "load"
CLIENT = "load"
M_KIB, T, P = 19456, 2, 1  # Gatehouse's defaults (OWASP)


def args():
    p = argparse.ArgumentParser(prog="bench/run-keycloak")
    p.add_argument("--keycloak", required=True, help="unpacked keycloak-quarkus-dist directory")
    p.add_argument("--seconds", type=int, default=8, help="each measured wrk run")
    p.add_argument("--warmup", type=int, default=3, help="each flow's warm-up run per server start")
    p.add_argument("--rounds", type=int, default=2, help="Gatehouse then Keycloak, this many times")
    p.add_argument("--connections", default="4,16,64")
    p.add_argument("--users", type=int, default=32)
    p.add_argument("--json", default=os.path.join(ROOT, "bench/target/keycloak-results.json"))
    return p.parse_args()


class Keycloak(harness.Server):
    def __init__(self, home):
        self.port = harness.free_port()
        env = dict(os.environ, KC_BOOTSTRAP_ADMIN_USERNAME="admin", KC_BOOTSTRAP_ADMIN_PASSWORD="admin")
        cmd = [os.path.join(home, "bin/kc.sh"), "start-dev", f"--http-port={self.port}",
               f"--http-management-port={harness.free_port()}",
               f"--spi-password-hashing--argon2--memory={M_KIB}",
               f"--spi-password-hashing--argon2--iterations={T}",
               f"--spi-password-hashing--argon2--parallelism={P}"]
        super().__init__("keycloak", cmd, env=env, log=os.path.join(home, "bench-keycloak.log"))
        self.base = f"http://127.0.0.1:{self.port}"
        self.token_path = f"/realms/{REALM}/protocol/openid-connect/token"
        self.userinfo_path = f"/realms/{REALM}/protocol/openid-connect/userinfo"

    def ready(self):
        return self.wait_ready(self.base + "/realms/master", timeout=600)

    def admin(self, method, path, body=None):
        status, raw = harness.http("POST", self.base + "/realms/master/protocol/openid-connect/token",
                                   "grant_type=password&client_id=admin-cli&username=admin&password=admin",
                                   {"Content-Type": "application/x-www-form-urlencoded"})
        token = json.loads(raw)["access_token"]
        status, raw = harness.http(method, self.base + "/admin" + path, json.dumps(body) if body else None,
                                   {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        if status >= 300:
            harness.fail(f"keycloak admin {method} {path}: {status} {raw[:300]}")
        return json.loads(raw) if raw else None

    def setup(self, users):
        """Realm with Argon2id as its password hash, a public client with direct access grants, users."""
        self.admin("POST", "/realms", {"realm": REALM, "enabled": True, "passwordPolicy": "hashAlgorithm(argon2)",
                                       "accessTokenLifespan": 3600, "bruteForceProtected": False})
        self.admin("POST", f"/realms/{REALM}/clients", {"clientId": CLIENT, "publicClient": True,
                                                        "directAccessGrantsEnabled": True,
                                                        "standardFlowEnabled": False})
        for i in range(users):
            self.admin("POST", f"/realms/{REALM}/users", {
                "username": f"user{i}", "email": f"u{i}@seed.test", "emailVerified": True, "enabled": True,
                "firstName": "Load", "lastName": f"User{i}",
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]})
        user = self.admin("GET", f"/realms/{REALM}/users?username=user0&exact=true")[0]
        cred = self.admin("GET", f"/realms/{REALM}/users/{user['id']}/credentials")[0]
        return json.loads(cred["credentialData"])

    def login_body(self, i):
        return urllib.parse.urlencode({"grant_type": "password", "client_id": CLIENT, "username": f"user{i}",
                                       "password": PASSWORD, "scope": "openid"})

    def access_token(self, i):
        status, raw = harness.http("POST", self.base + self.token_path, self.login_body(i),
                                   {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            harness.fail(f"keycloak login user{i}: {status} {raw[:300]}")
        return json.loads(raw)["access_token"]


def measure(server, name, spec, conns, seconds, warmup, results, rnd):
    pid = server.java_pid()
    for flow in spec:
        harness.wrk(server.base, connections=16, seconds=warmup, pid=pid, **spec[flow])
    for c in conns:
        for flow in spec:
            r = harness.wrk(server.base, connections=c, seconds=seconds, pid=pid, **spec[flow])
            r.update(server=name, flow=flow, round=rnd)
            results["runs"].append(r)
            print(f"{rnd:>5} {name:<9} {flow:<7} {c:>4} {r['rps']:>9.1f} {r['p50_us'] / 1000:>9.2f} "
                  f"{r['p99_us'] / 1000:>9.2f} {r['server_cores']:>6.2f} {r['rss_mib']:>7.0f} {harness.errors_of(r)}",
                  flush=True)
    results["rss_after_load"].setdefault(name, []).append(harness.rss_mib(pid))


def summarize(results, conns):
    """Prints Gatehouse / Keycloak per flow and concurrency; returns how many runs had errors."""
    harness.banner("Gatehouse / Keycloak (median over rounds; login = password grant, profile = userinfo)")
    errors = sum(1 for r in results["runs"] if harness.errors_of(r))
    print(f"{'flow':<8} {'conn':>4} {'GH req/s':>9} {'KC req/s':>9} {'ratio':>6} {'GH p50':>8} {'KC p50':>8} "
          f"{'GH cores':>8} {'KC cores':>8} {'GH CPU ms/req':>13} {'KC CPU ms/req':>13}")
    results["ratios"] = []
    for flow in ["login", "profile"]:
        for c in conns:
            def med(server, key):
                # A run in which no request completed has no latency: it is reported above and left out here.
                return harness.median([r[key] for r in results["runs"] if r["server"] == server
                                       and r["flow"] == flow and r["connections"] == c and r["requests"]])
            def cpu_ms(server):
                # Server CPU per request, which depends less on how much CPU the neighbours left than req/s.
                return harness.median([r["server_cores"] / r["rps"] * 1000 for r in results["runs"]
                                       if r["server"] == server and r["flow"] == flow and r["connections"] == c
                                       and r["requests"]])

            g, k = med("gatehouse", "rps"), med("keycloak", "rps")
            ratio = g / k if k else float("nan")
            results["ratios"].append({"flow": flow, "connections": c, "gatehouse_rps": g, "keycloak_rps": k,
                                      "ratio": ratio})
            print(f"{flow:<8} {c:>4} {g:>9.1f} {k:>9.1f} {ratio:>6.2f} {med('gatehouse', 'p50_us') / 1000:>8.2f} "
                  f"{med('keycloak', 'p50_us') / 1000:>8.2f} {med('gatehouse', 'server_cores'):>8.2f} "
                  f"{med('keycloak', 'server_cores'):>8.2f} {cpu_ms('gatehouse'):>13.2f} {cpu_ms('keycloak'):>13.2f}")
    for name, values in results["rss_after_load"].items():
        print(f"RSS after load, {name}: {', '.join(f'{v:.0f}' for v in values)} MiB")
    for name, values in results["startup_s"].items():
        print(f"start-up to first answer, {name}: {', '.join(f'{v:.1f}' for v in values)} s")
    return errors


def main():
    a = args()
    conns = [int(c) for c in a.connections.split(",")]
    tmp = harness.scratch_dir("kc-items-")
    results = {"machine": harness.machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "runs": [], "rss_after_load": {}, "startup_s": {}}
    with open(os.path.join(a.keycloak, "version.txt")) as f:
        results["keycloak"] = f.read().strip()
    print(f"machine: {results['machine']}; {results['date']}; {results['keycloak']}")
    shutil.rmtree(os.path.join(a.keycloak, "data"), ignore_errors=True)  # a fresh H2 database
    header = (f"{'round':>5} {'server':<9} {'flow':<7} {'conn':>4} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} "
              f"{'cores':>6} {'RSS MiB':>7}")
    first = True
    for rnd in range(1, a.rounds + 1):
        harness.banner(f"round {rnd}: Gatehouse")
        gh = Gatehouse(ROOT)
        try:
            results["startup_s"].setdefault("gatehouse", []).append(gh.ready())
            emails, logins = gh.seed(a.users, "u")
            lf = write_lines(os.path.join(tmp, "gh-login"), [json.dumps({"username": e, "password": PASSWORD})
                                                             for e in emails])
            af = write_lines(os.path.join(tmp, "gh-access"), [l["access_token"] for l in logins])
            spec = {"login": dict(path=gh.userpass + "/login", method="POST", mode="body", items=lf,
                                  content_type="application/json"),
                    "profile": dict(path=gh.app + "/auth/profile", method="GET", mode="bearer", items=af)}
            print(header)
            measure(gh, "gatehouse", spec, conns, a.seconds, a.warmup, results, rnd)
        finally:
            gh.stop()
        harness.banner(f"round {rnd}: Keycloak")
        kc = Keycloak(a.keycloak)
        try:
            results["startup_s"].setdefault("keycloak", []).append(kc.ready())
            if first:
                cred = kc.setup(a.users)
                results["keycloak_credential"] = cred
                print(f"Keycloak stored credential: {json.dumps(cred)}")
                add = cred.get("additionalParameters", {})
                if (cred.get("algorithm") != "argon2" or cred.get("hashIterations") != T
                        or add.get("memory") != [str(M_KIB)] or add.get("parallelism") != [str(P)]
                        or add.get("type") != ["id"]):
                    harness.fail("!!! Keycloak's stored hash is not Argon2id m=19456 t=2 p=1: not comparable")
                first = False
            lf = write_lines(os.path.join(tmp, "kc-login"), [kc.login_body(i) for i in range(a.users)])
            af = write_lines(os.path.join(tmp, "kc-access"), [kc.access_token(i) for i in range(a.users)])
            spec = {"login": dict(path=kc.token_path, method="POST", mode="body", items=lf,
                                  content_type="application/x-www-form-urlencoded"),
                    "profile": dict(path=kc.userinfo_path, method="GET", mode="bearer", items=af)}
            print(header)
            measure(kc, "keycloak", spec, conns, a.seconds, a.warmup, results, rnd)
        finally:
            kc.stop()
    harness.remove(tmp)

    errors = summarize(results, conns)
    harness.finish(a.json, results, errors)


if __name__ == "__main__":
    main()
