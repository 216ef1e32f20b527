#!/bin/sh
# Builds the Argon2id JNI libraries into $1 (the server's target/classes/native/linux-x86_64),
# called by the Maven build (server/pom.xml, exec-maven-plugin). $2 is the JDK whose jni.h to use.
#
# Without gcc, or on another OS or architecture, it says so and builds nothing, and the server falls
# back to Bouncy Castle at run time (Argon2Choice). Where gcc is there but a compile fails, it fails
# the build: a broken change to the C code must not pass as a quiet fallback (it once did).
#
# Three variants of the reference's optimized code (opt.c), chosen at run time by the CPU's flags, so
# that a jar built here never dies with SIGILL elsewhere: "avx512" (x86-64-v4: Skylake-SP, Ice Lake,
# Sapphire Rapids, Zen 4 and later; opt.c's 512-bit rounds, about 15% faster than AVX2), "avx2"
# (x86-64-v3: Haswell, Zen and later) and "x86-64-v2" (SSSE3/SSE4.2, nearly every x86-64 CPU since 2009). No -march=native: that would
# tie the jar to the build machine's CPU.
set -u
out="$1"
jdk="$2"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# $out/BUILD says "built" or why not: the tests require the native library only after "built", so a
# machine without gcc passes them on Bouncy Castle, and a built library that fails to load fails them.
skip() {
  echo "native Argon2: $1; Bouncy Castle will be used"
  echo "skipped: $1" > "$out/BUILD"
  rm -f "$out"/libgatehouse-argon2-*.so
  exit 0
}
[ "${GATEHOUSE_SKIP_NATIVE:-}" != 1 ] || skip "skipped (GATEHOUSE_SKIP_NATIVE=1)"
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  skip "not built on $(uname -s)/$(uname -m) (only Linux x86-64)"
fi
cc="${CC:-gcc}"
command -v "$cc" >/dev/null 2>&1 || skip "no $cc on PATH, not built"
src="$here/argon2/src"
sources="$src/argon2.c $src/core.c $src/blake2/blake2b.c $src/thread.c $src/encoding.c $src/opt.c $here/gatehouse_argon2_jni.c"
for variant in x86-64-v2 x86-64-v3 x86-64-v4; do
  case $variant in x86-64-v3) name=avx2 ;; x86-64-v4) name=avx512 ;; *) name=$variant ;; esac
  # -fvisibility=hidden: only the JNI entry point is exported, not argon2's own symbols.
  if ! "$cc" -std=c99 -O3 -march="$variant" -fPIC -shared -pthread -fvisibility=hidden \
      -Wall -Wno-unused-function -I"$here/argon2/include" -I"$src" -I"$jdk/include" -I"$jdk/include/linux" \
      -Wl,-soname,libgatehouse-argon2-$name.so -o "$out/libgatehouse-argon2-$name.so" $sources; then
    echo "native Argon2: the $variant build failed (GATEHOUSE_SKIP_NATIVE=1 builds without it)" >&2
    echo "failed: the $variant build" > "$out/BUILD"
    exit 1
  fi
done
echo built > "$out/BUILD"
# Silent on success: `mvnw -q` stays empty.
