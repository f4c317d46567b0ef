#!/usr/bin/env bash
# Runs every test of Elara.Fast on a fresh machine that has only the .NET SDK:
#   1. installs what the tests need when it is missing (Debian packages when run as root),
#   2. builds the native kernel baselines (native/, cmake),
#   3. builds the solution and runs `dotnet test` for every test project,
#   4. prints one summary line: `tests: N passed, N failed, N skipped`.
# Exit status: non-zero when a test failed, when none ran, or when the build failed.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
config=${CONFIGURATION:-Release}

log() { printf '[test.sh] %s\n' "$*" >&2; }

# --- 1. system packages the tests use (real peers and tools, not mocks) -------------------------
# command -> Debian package
declare -A wanted=(
  [turnserver]=coturn       # STUN/TURN integration tests run a real coturn on loopback
  [espeak-ng]=espeak-ng     # G.711 conformance: real speech ...
  [sox]=sox                 # ... converted by a real encoder to compare against
  [cmake]=cmake             # native/ kernel baselines
  [cc]=gcc
  [ip]=iproute2             # network-namespace tests
)
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
# ICU: the unit tests run with ICU rather than invariant globalization, so Unicode normalisation is real
# (the STUN OpaqueString profile normalises passwords to NFC).
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || missing+=(libicu-dev)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # coturn's package may start its own system service; the tests run their own instance on their own port.
    # Stop only that service (the one this install started), never a turnserver somebody else runs.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn 2>/dev/null; then
      systemctl stop coturn >/dev/null 2>&1 || true
    elif [ -x /etc/init.d/coturn ]; then
      /etc/init.d/coturn stop >/dev/null 2>&1 || true
    fi
  else
    log "not root: tests that need ${missing[*]} will report themselves skipped"
  fi
fi

# --- 2. native baselines ---------------------------------------------------------------------------
if [ -f native/CMakeLists.txt ] && command -v cmake >/dev/null 2>&1; then
  log "building native/"
  cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build native/build -j 2 >/dev/null
fi

# --- 3. build and test ------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "building ($config)"
dotnet build Elara.Fast.sln -c "$config" -nologo -clp:ErrorsOnly -v:q

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"
set +e
dotnet test Elara.Fast.sln -c "$config" --no-build --nologo \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=normal" \
  -- RunConfiguration.TestSessionTimeout=1500000 2>&1 | grep -vE '^\s+Passed ' 
test_status=${PIPESTATUS[0]}
set -e

# --- 4. one summary line, summed over every project's TRX ------------------------------------------
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$files" = 0 ] || [ $((passed + failed)) = 0 ]; then
  log "no test ran"
  exit 1
fi
if [ "$failed" != 0 ] || [ "$test_status" != 0 ]; then
  exit 1
fi
