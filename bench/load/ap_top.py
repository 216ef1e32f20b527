"""Where an async-profiler recording's CPU samples went (collapsed stacks, one "frame;frame;... count" per
line, from bench/async-profiler's agent with `collapsed`):
  python3 bench/load/ap_top.py RECORDING.txt [N]
Prints the share of every sample in a few buckets (the Argon2id computation, its final wipe, the JIT,
garbage collection, the request path beside the hash, the rest), then the top inclusive Gatehouse and
library frames of the request path beside the hash. On a server that hashes once per login (the default
costs), samples divided by the Argon2id samples are the cost per login in units of one hash: the
"x hash" column, which needs no request count and no sampling interval."""
import collections
import re
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 30

# First match wins. The Argon2id frames are the reference code's (server/src/main/c/argon2); its wipe is
# the memset that free_memory runs over the whole block array before the JNI pools it.
BUCKETS = [
    ("argon2 wipe", re.compile(r"free_memory|clear_internal_memory|secure_wipe_memory")),
    ("argon2 compute", re.compile(r"fill_segment|fill_memory_blocks|fill_block|argon2_ctx|NativeArgon2\.argon2id")),
    ("JIT", re.compile(r"CompileBroker|C2Compiler|C1Compiler")),
    ("GC", re.compile(r"VM_GenCollect|SerialHeap|GCTaskThread|VM_CollectForAllocation")),
    ("request path", re.compile(r"HttpConnection\.onFillable|JavalinServlet\.handle")),
]
INFORMATIVE = re.compile(r"dev/gatehouse|nimbusds|bouncycastle|sqlite|jdbi|hikari|jackson|micrometer|prometheus")

buckets, frames, total = collections.Counter(), collections.Counter(), 0
for line in open(path):
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not count.isdigit():
        continue
    n = int(count)
    total += n
    name = next((b for b, pattern in BUCKETS if pattern.search(stack)), "other")
    buckets[name] += n
    if name == "request path":
        for frame in set(stack.split(";")):
            if INFORMATIVE.search(frame):
                frames[frame] += n

hashes = buckets["argon2 compute"] + buckets["argon2 wipe"]
per_hash = (lambda n: f"{n / hashes:8.4f}") if hashes else (lambda n: "       -")
print(f"{total} samples; x hash = samples / Argon2id samples (compute + wipe), the cost per login at one hash "
      "per login")
print(f"{'bucket':<16} {'share':>6} {'x hash':>8}")
for name in [b for b, _ in BUCKETS] + ["other"]:
    print(f"{name:<16} {buckets[name] * 100 / total:5.1f}% {per_hash(buckets[name])}")
print(f"-- top frames of the request path beside the hash (inclusive)")
for frame, n in frames.most_common(top):
    print(f"{n * 100 / total:5.2f}% {per_hash(n)}  {frame[:120]}")
