#!/usr/bin/env bash
# Installs what the tests need beyond Maven Central, when it is missing: Node.js and npm (the
# realm-web compatibility tests in e2e/) and Chromium with its driver (the browser tests,
# server/src/test/java/dev/gatehouse/testing/Browser.java, docs/decisions/0007-browser-tests.md).
# Run by `./gatehouse test` before Maven and so by .ci/run, so that a fresh machine needs nothing
# but the README's command. Installs with apt-get as root or through passwordless sudo; otherwise
# prints what to install and fails, rather than letting the tests fail later less clearly.
set -euo pipefail

need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# Browser.java looks in these places (or where CHROMIUM / CHROMEDRIVER point).
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || need+=(chromium-driver)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "test-tools: the tests need these packages, and this user cannot install them:" >&2
  echo "  apt-get install ${need[*]}" >&2
  echo "(run that as root, or ./gatehouse test with passwordless sudo; CHROMIUM and CHROMEDRIVER may" >&2
  echo " point at binaries installed elsewhere)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-tools: no apt-get here; install the equivalents of: ${need[*]}" >&2
  exit 1
fi

echo "test-tools: installing ${need[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
