#!/usr/bin/env bash
# Rewrites every golden file of generated code (tests/SharpTrace.Tests/Golden/Scripts/*.txt) from the compiler's
# current output, after an intended change; removes goldens whose script or dump kind is gone. Review the diff
# (git diff tests/SharpTrace.Tests/Golden) like code before committing it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tests/SharpTrace.Tests --nologo -v q -clp:NoSummary
SHARPTRACE_BLESS=1 dotnet test tests/SharpTrace.Tests --no-build --nologo --filter "FullyQualifiedName~SharpTrace.Tests.Golden"
git status --short tests/SharpTrace.Tests/Golden
