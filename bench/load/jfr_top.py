"""Where a JFR recording's CPU samples went: top self and inclusive frames of jdk.ExecutionSample.
  python3 bench/load/jfr_top.py RECORDING.jfr [FRAME-SUBSTRING] [N]
With FRAME-SUBSTRING (e.g. SessionService.refresh) only samples whose stack has a matching frame count,
and percentages are of those. Uses the jfr tool of $JAVA_HOME (the JDK that recorded)."""
import collections
import json
import os
import subprocess
import sys

path = sys.argv[1]
needle = sys.argv[2] if len(sys.argv) > 2 else ""
top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")
out = subprocess.run([jfr, "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
own, inclusive, total = collections.Counter(), collections.Counter(), 0
for event in json.loads(out)["recording"]["events"]:
    trace = event["values"].get("stackTrace")
    frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
              for f in (trace or {}).get("frames", [])]
    if not frames or (needle and not any(needle in f for f in frames)):
        continue
    total += 1
    own[frames[0]] += 1
    for f in set(frames):
        inclusive[f] += 1
print(f"{total} samples{' with ' + needle if needle else ''}")
print("-- self")
for name, n in own.most_common(top):
    print(f"{n * 100 / total:5.1f}% {name}")
print("-- inclusive (dev.gatehouse, crypto, JDBC, JSON, Jetty/Javalin entry points filtered to the informative)")
for name, n in inclusive.most_common(top * 4):
    if any(k in name for k in ("dev.gatehouse", "nimbus", "security", "sqlite", "jdbi", "Json", "json", "jackson",
                               "Argon2", "micrometer", "Javalin", "HttpChannel")):
        print(f"{n * 100 / total:5.1f}% {name}")
