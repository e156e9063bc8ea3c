#!/usr/bin/env bash
# Everything issue 11 asks to measure, in one go, for a quiet machine (nothing else running): about 40 minutes on
# 2 vCPUs. Logs go to trit4j-results/quiet-<UTC time>/ (one file per step); the study's CSV, report and charts too.
# (bench records the AOT cache itself if step 2 failed to.)
#
#   scripts/quiet-window.sh
#
# Steps (and rough times on 2 vCPUs):
#   1. anchor.log       scripts/anchor-check.sh: OpenBLAS from C and from Java (FFM), both libraries   ~4 min
#   2. aot-train.log    ./trit4j aot-train: the JDK 25 AOT cache for the time-to-peak runs            ~1 min
#   3. bench.log        ./trit4j bench --full: the whole study, time to peak (default JVM and AOT)  ~21 min
#   4. modes.log        scripts/steady-modes.sh: C3 in 20 fresh JVMs, default JVM                      ~5 min
#   5. modes-aot.log    the same with -XX:AOTCache                                                     ~5 min
#   6. ttp-flags.log    time to peak of S1 and C3 under candidate JVM flags, 5 JVMs each               ~5 min
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=trit4j-results/quiet-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
echo "logs in $OUT"
uptime | tee "$OUT/uptime-before.txt"
./trit4j info > "$OUT/info.log" 2>&1
scripts/anchor-check.sh > "$OUT/anchor.log" 2>&1; echo "anchor-check: exit $?"
./trit4j aot-train > "$OUT/aot-train.log" 2>&1; echo "aot-train: exit $?"
./trit4j bench --full --out "$OUT/study" > "$OUT/bench.log" 2>&1; echo "bench: exit $?"
scripts/steady-modes.sh > "$OUT/modes.log" 2>&1; echo "steady-modes: exit $?"
scripts/steady-modes.sh --jvm-flag=-XX:AOTCache=tools/target/trit4j-tools.aot > "$OUT/modes-aot.log" 2>&1
echo "steady-modes with AOT cache: exit $?"
for flags in "" "-XX:AOTCache=tools/target/trit4j-tools.aot" "-XX:CompileThresholdScaling=0.25" "-XX:InlineSmallCode=6000" \
    "-XX:-TieredCompilation"; do
  for w in S1 C3; do
    echo "== $w ${flags:-default JVM}"
    ./trit4j steady-modes --workload "$w" --jvms 5 --seconds 4 --bar 100 ${flags:+--jvm-flag=$flags} | tail -6
  done
done > "$OUT/ttp-flags.log" 2>&1
uptime | tee "$OUT/uptime-after.txt"
echo "done: $OUT"
