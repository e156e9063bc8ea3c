#!/usr/bin/env bash
# The fp32 anchor check: OpenBLAS cblas_sgemm called from C (tools/openblas-check/sgemm_check.c) and from Java
# (trit4j's FFM anchor, JMH), same libraries, same shapes (S1 64x3136x576, Q1 1024^3), 1 and 2 threads, one after
# the other, so the two can be compared. Run it on a quiet machine: about 4 minutes.
#
#   scripts/anchor-check.sh            # both libraries this machine has (bytedeco's bundled one, the system's)
#   ANCHOR_SECONDS=5 scripts/anchor-check.sh
#   ANCHOR_JAVA_OPTS=-Djmh.ignoreLock=true scripts/anchor-check.sh   # while another JMH run holds its lock (noisy!)
#
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed for both runs (as the study does for its anchor), so each library
# runs on the core it detects; the output names it. Bar (issue 11): Java within 10% of C at 1 thread; 2 threads at
# least 1.6x 1 thread on Q1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
SECONDS_PER=${ANCHOR_SECONDS:-3}
# (Maven 3.8 prints ANSI reset codes even in batch mode; stripped as ./trit4j does)
./build -q -pl bench -am package -DskipTests 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
CC=${CC:-gcc}
TMP=$(mktemp -d)
DRIVER=$TMP/sgemm_check
"$CC" -O2 -std=c11 -o "$DRIVER" tools/openblas-check/sgemm_check.c -ldl
JAVA="$JAVA_HOME/bin/java"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
mapfile -t LIBS < <("$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.github.trit4j.bench.OpenBlasInfo)
for line in "${LIBS[@]}"; do
  IFS=$'\t' read -r source path version core config <<<"$line"
  echo "=== $source: $path (OpenBLAS $version, $core)"
  echo "--- C driver"
  LD_LIBRARY_PATH="$(dirname "$path")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$DRIVER" "$path" "$SECONDS_PER" 1,2 S1,Q1 \
    | tee "$TMP/c-$source"
  echo "--- C driver, openblas_set_num_threads before every call (what the earlier bytedeco anchor did)"
  SGEMM_CHECK_SET_THREADS_EVERY_CALL=1 LD_LIBRARY_PATH="$(dirname "$path")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$DRIVER" "$path" "$SECONDS_PER" 1,2 S1,Q1 | grep GMAC
  echo "--- Java, FFM downcall, JMH (1 fork, 3 x 500 ms warm-up, 5 x $((SECONDS_PER * 200)) ms)"
  # shellcheck disable=SC2086
  "$JAVA" ${ANCHOR_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar 'StudyBenchmark.multiply' \
    -p workload=S1,Q1 -p precision=FP32_OPENBLAS -p threads=1,2 -p blas="$source" \
    -f 1 -wi 3 -w 500ms -i 5 -r "$((SECONDS_PER * 200))ms" -tu us 2>&1 \
    | awk '/ERROR|Exception|<failure>/ { print "JMH: " $0 > "/dev/stderr" }
           /^StudyBenchmark/ { w=$6; t=$5; us=$9; err=$11;
             macs = (w=="S1") ? 64*3136*576 : 1024*1024*1024;
             printf "%-4s threads %s: %7.1f GMAC/s (JMH %.1f +- %.1f us/op)\n", w, t, macs/us/1e3, us, err }' \
    | tee "$TMP/java-$source"
  echo "--- $source: Java / C (bar: >= 0.90 at 1 thread) and 2 threads / 1 thread on Q1 (bar: >= 1.6)"
  awk 'FNR==NR { if ($0 ~ /GMAC/) { split($0, a, "threads "); split(a[2], b, ":"); c[$1 " " b[1]+0] = b[2]+0 }; next }
       /GMAC/ { split($0, a, "threads "); split(a[2], b, ":"); j[$1 " " b[1]+0] = b[2]+0 }
       END {
         for (k in j) if (k ~ / 1$/) printf "  %s 1 thread: Java %.1f, C %.1f GMAC/s: Java/C %.2f %s\n", substr(k, 1, 2),
           j[k], c[k], j[k]/c[k], (j[k] >= 0.9*c[k] ? "MET" : "NOT MET")
         if (("Q1 1" in j) && ("Q1 2" in j)) printf "  Q1 Java 2 threads / 1 thread: %.2f %s (C: %.2f)\n",
           j["Q1 2"]/j["Q1 1"], (j["Q1 2"] >= 1.6*j["Q1 1"] ? "MET" : "NOT MET"), c["Q1 2"]/c["Q1 1"]
       }' "$TMP/c-$source" "$TMP/java-$source"
done
