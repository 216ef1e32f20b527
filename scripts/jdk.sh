# Sourced by ./gatehouse and bench/run-outbox: exports JAVA_HOME as a JDK 21 or newer, taking
# JAVA_HOME if it qualifies, else the newest-looking one under /usr/lib/jvm (the `java` on many
# machines' PATH is older).
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

pick_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/*-2[1-9]* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "no JDK 21 or newer found (set JAVA_HOME)" >&2
  exit 1
}

JAVA_HOME="$(pick_jdk)"
export JAVA_HOME

# Flags for running Gatehouse itself: Truffle (GraalJS, the function runtime) loads a native library
# and uses sun.misc.Unsafe; granting both keeps JDK 24+ from warning on every start.
GATEHOUSE_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED)
if [ "$(java_major "$JAVA_HOME")" -ge 23 ]; then
  GATEHOUSE_JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
fi

# Memory flags of the server itself (./gatehouse, and bench/run-load and run-keycloak, which run it
# the same way), measured by bench/run-load (docs/performance.md, "Memory"): with the JVM's defaults
# (G1, a heap of up to a quarter of the machine) the server was 590-700 MiB resident after load; with
# these, 184 MiB, at 0.75-0.93 of the defaults' throughput. The serial collector and a small initial
# heap keep the heap near the live set (tens of MB); the cap of 512 MiB leaves room for JavaScript
# functions (--function-memory-mib). The collector gives committed heap back only at full
# collections, so the server runs a few after five seconds without a request (maintenance/IdleHeap,
# serial collector only; -XX:-ShrinkHeapInSteps would do it in one, but cost refresh 18% of its
# throughput under load by shrinking at every full collection). Native memory freed by the JIT is given back to the
# OS, and glibc keeps two malloc arenas instead of eight per core. GATEHOUSE_JAVA_OPTS, read by
# ./gatehouse after these, overrides any of them (e.g. -XX:-UseSerialGC -XX:+UseG1GC -Xmx2g for
# throughput on a big machine: two collectors at once do not start).
# (No smaller -Xss: stacks cost only the pages they touch, and JavaScript functions run deep.)
GATEHOUSE_MEMORY_FLAGS=(-XX:+UseSerialGC -Xms16m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
  -XX:ReservedCodeCacheSize=48m)
if [ "$(java_major "$JAVA_HOME")" -ge 22 ]; then
  GATEHOUSE_MEMORY_FLAGS+=(-XX:TrimNativeHeapInterval=2000)
fi
if [ "$(java_major "$JAVA_HOME")" -ge 25 ]; then
  GATEHOUSE_MEMORY_FLAGS+=(-XX:+UseCompactObjectHeaders)
fi
# The environment half of the memory settings, for the server's process only (not Maven, not the
# other benchmarks): ./gatehouse, bench/run-load and bench/run-keycloak call it before starting it.
use_server_memory_env() {
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
}

# The JVM's ahead-of-time cache for the server (JDK 25+: JEPs 483, 514, 515): the classes the server
# loads and links, and its methods' profiles, recorded by a training run (`gatehouse aot-training`,
# a throw-away server exercised over HTTP) once per build, next to the jar. The server's first answer
# came in 0.64 of the time with it (docs/performance.md, "Start-up"). Sets GATEHOUSE_AOT_FLAGS for the
# java command line: empty (no cache) on an older JDK, with GATEHOUSE_AOT=off, or when the training
# fails, which costs nothing but the speed-up. The cache must be recorded with the flags it is used with, so call this
# after use_server_memory_env, with the same flags the server gets. Usage: use_aot_cache JAR FLAGS...
use_aot_cache() {
  local jar="$1"; shift
  local cache="${jar%.jar}.aot"
  GATEHOUSE_AOT_FLAGS=()
  if [ "${GATEHOUSE_AOT:-on}" = off ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ]; then
    return 0
  fi
  # Recorded again for a new jar, another JDK or other flags (GATEHOUSE_JAVA_OPTS), which would make the
  # JVM refuse the cache with a warning.
  local recorded_for="$JAVA_HOME $*"
  if [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ] || [ "$(cat "${cache}.flags" 2>/dev/null)" != "$recorded_for" ]; then
    echo "gatehouse: recording the JVM's ahead-of-time cache, once per build (about 20 s)" >&2
    rm -f "$cache" "${cache}.flags"
    # Recorded under a name of this process's own and renamed when complete, so that two launchers
    # starting at once never hand the JVM a half-written cache.
    local partial="${cache}.$$"
    if ! "$JAVA_HOME/bin/java" "$@" -XX:AOTCacheOutput="$partial" -jar "$jar" aot-training \
        >"${cache}.log" 2>&1 || [ ! -f "$partial" ]; then
      echo "gatehouse: no ahead-of-time cache (see ${cache}.log); starting without it" >&2
      rm -f "$partial"
      return 0
    fi
    echo "$recorded_for" >"${cache}.flags.$$" && mv -f "${cache}.flags.$$" "${cache}.flags"
    mv -f "$partial" "$cache"
  fi
  GATEHOUSE_AOT_FLAGS=(-XX:AOTCache="$cache")
}
