#!/usr/bin/env bash
# The project's test command (`npm test`): lint, format check, type check, unit tests with
# coverage, the OpenAPI lint of the API document, then the real-network suites when Fabric v3.1.5
# is found. The last line says how many real-network tests ran.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
# Workspace packages resolve to their TypeScript sources (the `nrdl-source` export condition) for
# ts-node runs; the built packages (`npm run build`) resolve to dist/ without it.
export NODE_OPTIONS="--conditions=nrdl-source${NODE_OPTIONS:+ $NODE_OPTIONS}"
echo "node $(node --version) ($(command -v node))"

# Each step's wall time is printed when the next one starts, and the whole command's at the end.
current='' since=$SECONDS
lap() {
  [ -z "$current" ] || printf '(%s: %d s)\n' "$current" $((SECONDS - since))
  since=$SECONDS
}
step() {
  lap
  current=$1
  printf '\n== %s\n' "$1"
}
# The closing line counts every mocha test that ran (unit and real-network) in the plain
# "N passed, N failed" form that CI reads.
closing() {
  lap
  current=''
  echo "test command: $((SECONDS / 60)) min $((SECONDS % 60)) s"
  echo "tests: $((unit_passed + network_passed)) passed, $((unit_failed + network_failed)) failed"
}
fail() {
  printf '\nFAILED: %s\n' "$1"
  echo "real-network tests run: ${network_ran:-0}"
  closing
  exit 1
}
# mocha's "N passing" / "N failing" summary lines of a log
count() { grep -aEo "^ +[0-9]+ $1" "$2" | grep -Eo '[0-9]+' | tail -1 || true; }
network_ran=0 unit_passed=0 unit_failed=0 network_passed=0 network_failed=0

step "lint (eslint, prettier)"
eslint . || fail "eslint"
prettier --check . --log-level warn || fail "prettier"

step "type check"
tsc -p tsconfig.json || fail "tsc"
npm run -s build || fail "build (per-package tsconfig)"
# The installed `catalog` binary runs the build alone: no ts-node, no sources.
NODE_OPTIONS= node apps/cli/bin/catalog.js --help >/dev/null || fail "built catalog binary"

packages="chaincode gateway-client network apps/api apps/cli apps/console"
step "unit tests (line coverage of every package: $packages)"
unit_log=$(mktemp)
# (the console's entry point only mounts the app into the page: its tests render the app itself)
c8 --include 'chaincode/src/**' --include 'gateway-client/src/**' --include 'network/src/**' --include 'apps/*/src/**' \
  --exclude 'apps/console/src/main.tsx' --reporter text-summary --reporter json-summary mocha --config test/unit/.mocharc.json 2>&1 | tee "$unit_log"
unit_status=${PIPESTATUS[0]}
unit_passed=$(count passing "$unit_log") unit_failed=$(count failing "$unit_log")
unit_passed=${unit_passed:-0} unit_failed=${unit_failed:-0}
rm -f "$unit_log"
[ "$unit_status" = 0 ] || fail "unit tests"
# The gate holds for each package on its own, not only for their sum.
# shellcheck disable=SC2086 # one word per package
ts-node scripts/coverage-gate.ts coverage/coverage-summary.json 90 $packages ||
  fail "line coverage below 90 %"

step "OpenAPI document (redocly lint, rules in redocly.yaml)"
openapi_doc=$(mktemp --suffix=.json)
if ! ts-node scripts/openapi-document.ts "$openapi_doc" ||
  ! REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true redocly lint --config redocly.yaml "$openapi_doc"; then
  rm -f "$openapi_doc"
  fail "OpenAPI lint"
fi
rm -f "$openapi_doc"

step "real-network suites"
if ! fabric=$(ts-node scripts/fabric-check.ts); then
  echo "$fabric"
  echo "real-network suites: SKIPPED — no Fabric v3.1.5 found; set FABRIC_HOME"
  echo "real-network tests run: 0"
  closing
  exit 0
fi
echo "$fabric"
# the browser suite (test/network/72-console) drives Debian's Chromium, with the CJK fonts
bash scripts/install-browser.sh || fail "browser install (scripts/install-browser.sh)"
# the benchmark harness's smoke run needs Caliper: bench/ is a project of its own (own lockfile)
if [ ! -d bench/node_modules/@hyperledger/caliper-cli ]; then
  npm ci --prefix bench --no-audit --no-fund || fail "npm ci --prefix bench"
fi
was_up=0
if ts-node network/src/cli.ts status >/dev/null 2>&1; then was_up=1; fi
log=$(mktemp)
mocha --config test/network/.mocharc.json 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
network_passed=$(count passing "$log") network_failed=$(count failing "$log")
network_passed=${network_passed:-0} network_failed=${network_failed:-0}
rm -f "$log"
network_ran=$((network_passed + network_failed))
if [ "$was_up" = 0 ]; then
  echo "stopping the network the tests started"
  ts-node network/src/cli.ts down >/dev/null || true
fi
[ "$status" = 0 ] || fail "real-network suites ($network_failed failing)"
echo "real-network tests run: $network_ran"
closing
