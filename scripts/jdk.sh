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
