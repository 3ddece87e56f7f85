#!/usr/bin/env bash
# Measures parse speed over the tool corpus (/usr/sbin/*.bt) and writes the "Parse speed" section of
# docs/benchmarks.md, replacing only that section.
#
#   bench/parse.sh [FOLDER]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
section="$(dotnet run -c Release --project "$root/bench/parse" -- "$@")"
"$root/bench/section.sh" "$root/docs/benchmarks.md" "## Parse speed" <<<"$section"
echo "$section"
