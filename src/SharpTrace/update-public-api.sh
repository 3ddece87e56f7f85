#!/usr/bin/env bash
# Brings PublicAPI.Unshipped.txt in line with the library's public surface after a deliberate API change:
# symbols the build reports as new (RS0016) are added, symbols it reports as gone (RS0017) are removed from
# both baselines. Review the diff: it is the API change.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build "$here/SharpTrace.csproj" --no-incremental --nologo -v q -clp:NoSummary -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
symbols() { { grep -E "$1" "$log" || true; } | sed -E "s/.*Symbol '(.*)' is (not )?part of the declared.*/\1/" | sort -u; }
added="$(symbols 'RS0016')"
removed="$(symbols 'RS0017')"
for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    if [ -n "$removed" ]; then
        grep -vxF -f <(printf '%s\n' "$removed") "$here/$file" >"$here/$file.new" || true
        mv "$here/$file.new" "$here/$file"
    fi
done
if [ -n "$added" ]; then
    { grep -vx '#nullable enable' "$here/PublicAPI.Unshipped.txt" || true; printf '%s\n' "$added"; } | sort -u >"$here/PublicAPI.Unshipped.txt.new"
    { echo '#nullable enable'; cat "$here/PublicAPI.Unshipped.txt.new"; } >"$here/PublicAPI.Unshipped.txt"
    rm "$here/PublicAPI.Unshipped.txt.new"
fi
printf 'added %d, removed %d symbols\n' "$(printf '%s' "$added" | grep -c . || true)" "$(printf '%s' "$removed" | grep -c . || true)"
