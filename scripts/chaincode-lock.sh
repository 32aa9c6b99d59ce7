#!/usr/bin/env bash
# Regenerates chaincode/package-lock.json, the lockfile the chaincode package is installed from.
# Run after changing chaincode/package.json dependencies, and commit the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/chaincode/package.json" "$work/"
(cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null)
cp "$work/package-lock.json" "$root/chaincode/package-lock.json"
echo "wrote chaincode/package-lock.json"
