#!/usr/bin/env bash
# Runs the whole test suite and ends with one plain line, "N passed, M failed", summed
# over every test binary (cargo's own last line is the last binary's, often 0 doc tests).
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The independent report verifier checks itself first (the Rust tests then run it on
# reports Sangam wrote).
python3 tests/report-verifier/selftest.py || exit 1
# The ledger's exports are checked by the real accounting tools scripts/test-deps.sh
# installs: hledger on the PATH, bean-check in its own environment.
export SANGAM_BEAN_CHECK="${SANGAM_BEAN_CHECK:-${SANGAM_TOOLS:-$HOME/.cache/sangam/tools}/beancount/bin/bean-check}"
cargo test --workspace --locked "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
