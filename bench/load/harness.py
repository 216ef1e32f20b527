"""Shared parts of bench/run-load and bench/run-keycloak: server processes, /proc sampling, wrk runs.

Standard library only (Python 3.9+). Every figure a caller prints is meant to be compared with another
taken in the same run: the machine these benchmarks were written on is shared and noisy.
"""
import glob
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FLOW_LUA = os.path.join(HERE, "flow.lua")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=60):
    """(status, body bytes) of one request; HTTP errors are returned, not raised."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _stat_seconds(path):
    """utime + stime from a /proc .../stat file, in seconds."""
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of the whole line


def cpu_seconds(pid):
    """utime + stime of a process, in seconds, from /proc/<pid>/stat."""
    return _stat_seconds(f"/proc/{pid}/stat")


def jit_seconds(pid):
    """CPU seconds of the JVM's JIT compiler threads (C1 and C2), from /proc/<pid>/task/*/stat."""
    total = 0
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(task + "/comm") as f:
                if not f.read().startswith(("C1 CompilerThre", "C2 CompilerThre")):
                    continue
            total += _stat_seconds(task + "/stat")
        except OSError:  # a compiler thread that ended in between
            continue
    return total


def rss_mib(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def tree_pids(pid):
    """pid and all its descendants (Keycloak's kc.sh starts java as a child)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children = {}
    for line in out.split("\n"):
        if line.strip():
            p, pp = map(int, line.split())
            children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


class Server:
    """A server process started with a command; measured through the pid that does the work."""

    def __init__(self, name, cmd, env=None, cwd=None, log=None):
        self.name = name
        self.log_path = log or tempfile.mktemp(prefix=f"{name}-", suffix=".log")
        self.log = open(self.log_path, "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid

    def java_pid(self):
        """The java process: this one, or (kc.sh) its descendant running java."""
        for p in tree_pids(self.proc.pid):
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip() == "java":
                        return p
            except OSError:
                pass
        return self.proc.pid

    def wait_ready(self, url, timeout=180, ok=(200,)):
        """Seconds from the process start to the first answer in ok from url."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}; log: {self.log_path}")
            try:
                status, _ = http("GET", url, timeout=2)
                if status in ok:
                    return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise SystemExit(f"{self.name} not ready after {timeout}s; log: {self.log_path}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def wrk(url, path, connections, seconds, method="GET", mode="none", items=None, once=False,
        content_type=None, prefix=None, password=None, timeout_s=30, pid=None):
    """Runs wrk with flow.lua; returns its LOADRESULT dict plus rps, cores (server pid and wrk) and RSS."""
    threads = min(2, connections)
    env = dict(os.environ, LOAD_METHOD=method, LOAD_PATH=path, LOAD_MODE=mode, LOAD_THREADS=str(threads))
    if items:
        env["LOAD_ITEMS"] = items
    if once:
        env["LOAD_ONCE"] = "1"
    if content_type:
        env["LOAD_CONTENT_TYPE"] = content_type
    if prefix:
        env["LOAD_PREFIX"] = prefix
    if password:
        env["LOAD_PASSWORD"] = password
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
           "--timeout", f"{timeout_s}s", "-s", FLOW_LUA, url]
    r_settle = settle(pid) if pid else 0.0
    cpu0 = cpu_seconds(pid) if pid else 0
    jit0 = jit_seconds(pid) if pid else 0
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = [l for l in out.stdout.split("\n") if l.startswith("LOADRESULT ")]
    if out.returncode != 0 or not line:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    r = json.loads(line[0][len("LOADRESULT "):])
    r["connections"] = connections
    r["settle_s"] = r_settle
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    ok = sum(n for code, n in r["statuses"].items() if code.startswith("2"))
    r["non2xx"] = sum(r["statuses"].values()) - ok
    r["socket_errors"] = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
    r["wrk_cores"] = (kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime) / wall
    if pid:
        r["server_cores"] = (cpu_seconds(pid) - cpu0) / wall
        r["jit_cores"] = (jit_seconds(pid) - jit0) / wall
        r["rss_mib"] = rss_mib(pid)
    return r


def settle(pid, idle_cores=0.15, window=0.5, limit=60):
    """Waits until the server is idle (under idle_cores over a window), so that no run pays for the last
    one's backlog: wrk stops sending when its time is up and closes its connections, but the server still
    finishes what it had queued (64 logins of 50+ ms of CPU each take seconds on 2 shared CPUs).
    Returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        c0 = cpu_seconds(pid)
        time.sleep(window)
        if (cpu_seconds(pid) - c0) / window < idle_cores:
            break
    return time.monotonic() - t0


def errors_of(r):
    """'' when every response was a 2xx, else a loud description."""
    if r["requests"] == 0:
        return "!!! NO REQUEST COMPLETED in the run (longer --seconds?)"
    if r["non2xx"] == 0 and r["socket_errors"] == 0:
        return ""
    bad = {c: n for c, n in r["statuses"].items() if not c.startswith("2")}
    return (f"!!! ERRORS: {r['non2xx']} non-2xx {bad}, {r['connect_errors']} connect, {r['read_errors']} read, "
            f"{r['write_errors']} write, {r['timeouts']} timeouts")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def banner(text):
    print(f"\n== {text}", flush=True)


def scratch_dir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    return d


def remove(d):
    shutil.rmtree(d, ignore_errors=True)


def machine():
    """One line: CPUs, memory, kernel, for the printout."""
    cpus = os.cpu_count()
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{cpus} CPUs ({model}), {mem:.0f} GiB RAM, Linux {os.uname().release}"


def finish(path, results, errors):
    """Writes the results as JSON; exits 2, loudly, if any run had errors."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"results: {path}")
    if errors:
        print(f"\n!!! {errors} RUN(S) HAD ERRORS: see the lines marked '!!! ERRORS' above", file=sys.stderr)
        sys.exit(2)


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)
