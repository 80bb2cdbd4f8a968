#!/usr/bin/env bash
# Runs every Gatehouse benchmark one after the other (never in parallel: they time the same
# cores) and prints a summary table at the end. `make bench` calls this after building the
# `bench` preset. Usage: bench/run.sh [build-dir]   (default build/bench)
#
# The full report of a run is kept in <build-dir>/bench-report.md, ready to paste into
# bench/README.md.
set -euo pipefail

build="${1:-build/bench}"
binaries="$build/bench"
report="$build/bench-report.md"
benchmarks=(BenchSessionValidate BenchBulkRevoke BenchAuthenticate BenchUserSearch BenchAuditLookup
            BenchServer BenchTrailRead BenchTrailIndex)

for name in "${benchmarks[@]}"; do
    if [[ ! -x "$binaries/$name" ]]; then
        echo "bench/run.sh: $binaries/$name is missing; build the bench preset first" \
             "(cmake --preset bench && cmake --build --preset bench)." >&2
        exit 2
    fi
done

: > "$report"
status=0
started=$SECONDS
for name in "${benchmarks[@]}"; do
    echo "### $name" | tee -a "$report"
    # Qt's logging goes to stderr; keep it out of the report.
    if ! "$binaries/$name" 2>/dev/null | tee -a "$report"; then
        echo "$name failed" | tee -a "$report"
        status=1
    fi
    echo | tee -a "$report"
done

{
    echo "## Summary ($(date -u +%Y-%m-%d), $((SECONDS - started)) s)"
    echo
    grep -m1 -h '^- CPU:' "$report" || true
    grep -m1 -h '^- Kernel:' "$report" || true
    grep -m1 -h '^- Transparent huge pages:' "$report" || true
    grep -m1 -h '^- Libraries:' "$report" || true
    grep -m1 -h '^- glibc tunables:' "$report" || true
    echo
    echo "| target | goal | measured | ratio | verdict |"
    echo "|---|---|---|---|---|"
    grep -h '^RESULT|' "$report" | sed -e 's/^RESULT|//' -e 's/|/ | /g' -e 's/^/| /' -e 's/$/ |/'
} | tee -a "$report"
echo
echo "Full report: $report"
exit $status
