#!/usr/bin/env bash
# Replaces one "## " section of a Markdown file (from its heading to the next "## " heading) with standard input,
# or appends it when the heading is not there yet; everything else in the file stays as it is.
#
#   bench/section.sh FILE HEADING < section
set -euo pipefail
doc="$1"
heading="$2"
section="$(cat)"
mkdir -p "$(dirname "$doc")"
[[ -f "$doc" ]] || printf '# Benchmarks\n\nSharpTrace next to bpftrace on the same machine. Each section is written by its script in bench/.\n' >"$doc"
tmp="$(mktemp)"
heading="$heading" section="$section" awk '
    BEGIN { heading = ENVIRON["heading"]; section = ENVIRON["section"] }
    $0 == heading { skipping = 1; print section; done = 1; next }
    skipping && /^## / { skipping = 0; print "" }
    !skipping { print }
    END { if (!done) print "\n" section }
' "$doc" >"$tmp"
mv "$tmp" "$doc"
