#!/usr/bin/env bash
# Issue 11's "one steady state" check: the C3 convolution (ternary FATNN, 1 thread) in 20 fresh JVMs, 12 s each,
# every JVM's steady figure and the spread; exit 0 when the slowest is within 15% of the fastest. After its run each
# JVM also measures the workload in turns with fixed reference loops (bench.CpuReference), and the last line gives the
# spreads of those and of their ratios: a mode the reference loops share is the core's, not the code's. About 6 minutes.
# Run it on a quiet machine. Any option of `./trit4j steady-modes --help` may follow, e.g.
#   scripts/steady-modes.sh --jvms 5 --seconds 6 --jvm-flag=-XX:+PrintCompilation
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec ./trit4j steady-modes --workload C3 --precisions TERNARY_FATNN --threads 1 --jvms 20 --seconds 12 --bar 15 "$@"
