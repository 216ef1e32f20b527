"""A Gatehouse server for the load benchmarks: started from server/target/gatehouse.jar as ./gatehouse
runs it (the JVM flags come from scripts/jdk.sh through bench/run-load), fresh data dir, rate limits
off, no mail quota, emails to the dev mailbox. Seeds confirmed users over HTTP like a client would."""
import json
import os
import re
import sqlite3
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import harness

APP = "gatehouse-local"
PASSWORD = "load-Pa55word!"
CHEAP = ["--argon2-memory-kib", "8", "--argon2-iterations", "1", "--argon2-parallelism", "1"]


class Gatehouse(harness.Server):
    def __init__(self, root, extra_args=(), jvm_extra=()):
        self.port = harness.free_port()
        self.data = harness.scratch_dir("gatehouse-load-")
        java = os.environ.get("GATEHOUSE_JAVA", "java")
        flags = os.environ.get("GATEHOUSE_JAVA_FLAGS", "").split()
        cmd = [java, *flags, *jvm_extra, "-jar", os.path.join(root, "server/target/gatehouse.jar"), "serve",
               "--port", str(self.port), "--data-dir", self.data, "--rate-limits", "off", "--mail-quota", "0",
               *extra_args]
        super().__init__("gatehouse", cmd, log=os.path.join(self.data, "server.log"))
        self.base = f"http://127.0.0.1:{self.port}"
        self.app = f"/api/client/v2.0/app/{APP}"
        self.userpass = self.app + "/auth/providers/local-userpass"

    def ready(self):
        return self.wait_ready(self.base + self.app + "/location")

    def register(self, email):
        status, body = harness.http("POST", self.base + self.userpass + "/register",
                                    json.dumps({"email": email, "password": PASSWORD}))
        if status != 201:
            harness.fail(f"register {email}: {status} {body[:200]}")

    def confirm_from_mailbox(self, email):
        q = urllib.parse.urlencode({"email": email})
        status, body = harness.http("GET", f"{self.base}/dev/mailbox/{APP}?{q}")
        msg = json.loads(body)["messages"][-1]
        status, body = harness.http("POST", self.base + self.userpass + "/confirm",
                                    json.dumps({"token": msg["token"], "tokenId": msg["tokenId"]}))
        if status != 204:
            harness.fail(f"confirm {email}: {status} {body[:200]}")

    def login(self, email):
        status, body = harness.http("POST", self.base + self.userpass + "/login",
                                    json.dumps({"username": email, "password": PASSWORD}))
        if status != 200:
            harness.fail(f"login {email}: {status} {body[:200]}")
        return json.loads(body)

    def seed(self, n, prefix):
        """n confirmed users, registered and confirmed over HTTP; returns their emails and one login each."""
        emails = [f"{prefix}-{i}@seed.test" for i in range(n)]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(self.register, emails))
            list(pool.map(self.confirm_from_mailbox, emails))
            logins = list(pool.map(self.login, emails))
        return emails, logins

    def confirmation_tokens(self):
        """Every unused confirmation token in the dev mailbox, read from the SQLite file (read-only)."""
        db = sqlite3.connect(f"file:{self.data}/gatehouse.db?mode=ro", uri=True)
        try:
            links = [row[0] for row in db.execute("SELECT link FROM dev_mail WHERE lower(kind) = 'confirmation' ORDER BY seq")]
        finally:
            db.close()
        tokens = []
        for link in links:
            q = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
            tokens.append({"token": q["token"][0], "tokenId": q["tokenId"][0]})
        return tokens

    def hash_timer(self, operation="verify"):
        """(sum seconds, count) of gatehouse_password_hash_seconds for operation, from /metrics."""
        status, body = harness.http("GET", self.base + "/metrics")
        total = count = 0.0
        for line in body.decode().split("\n"):
            if f'operation="{operation}"' not in line:
                continue
            m = re.match(r'gatehouse_password_hash_seconds_(sum|count)\{[^}]*\} ([0-9.eE+-]+)', line)
            if m:
                if m.group(1) == "sum":
                    total += float(m.group(2))
                else:
                    count += float(m.group(2))
        return total, count

    def stop(self):
        super().stop()
        harness.remove(self.data)


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")
    return path
