package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Measurements of one or more machines, organised for the tables and charts: runs grouped by
 * (machine, ISA shape, threads), and every measurement's speedup over fp32 OpenBLAS on the same
 * machine, workload and thread count. OpenBLAS is native code that the JVM flags of a shape do
 * not change, so a shape without its own OpenBLAS figure uses the {@code native} one.
 */
public final class StudyResults {

    /** A group of measurements that share machine, ISA shape and threads. */
    public record Group(String machine, String isaShape, int threads) {
        /** {@code "native, 1 thread"} or with the machine in front when several machines are merged. */
        public String label(boolean withMachine) {
            String s = isaShape + ", " + threads + (threads == 1 ? " thread" : " threads");
            return withMachine ? machine + " · " + s : s;
        }
    }

    private final List<Measurement> all;

    /** Wraps measurements (in any order). */
    public StudyResults(List<Measurement> all) {
        this.all = List.copyOf(all);
    }

    /** All measurements. */
    public List<Measurement> all() {
        return all;
    }

    /** Whether more than one machine is present. */
    public boolean severalMachines() {
        return all.stream().map(m -> m.fingerprint().machine()).distinct().count() > 1;
    }

    /** Groups in first-seen machine order, then ISA shape order (native, avx2, neon), then threads. */
    public List<Group> groups() {
        List<String> machines = all.stream().map(m -> m.fingerprint().machine()).distinct().toList();
        return all.stream().map(StudyResults::group).distinct()
                .sorted(Comparator.<Group>comparingInt(g -> machines.indexOf(g.machine()))
                        .thenComparingInt(g -> shapeOrder(g.isaShape()))
                        .thenComparingInt(Group::threads))
                .toList();
    }

    /** The machines' fingerprints, one per machine label (the first row's). */
    public List<MachineFingerprint> machines() {
        Map<String, MachineFingerprint> seen = new LinkedHashMap<>();
        all.forEach(m -> seen.putIfAbsent(m.fingerprint().machine(), m.fingerprint()));
        return List.copyOf(seen.values());
    }

    /** Workload names in study order (named ones first, then user shapes as they come). */
    public List<String> workloads() {
        Set<String> names = new LinkedHashSet<>();
        io.github.trit4j.bench.StudyWorkload.NAMED.forEach(w -> names.add(w.name()));
        Set<String> present = new LinkedHashSet<>();
        all.forEach(m -> present.add(m.workload()));
        List<String> out = new ArrayList<>(names.stream().filter(present::contains).toList());
        present.stream().filter(w -> !out.contains(w)).forEach(out::add);
        return out;
    }

    /** Workload kinds present ({@code GEMM}, {@code CONV}), in that order. */
    public List<String> kinds() {
        Set<String> present = new LinkedHashSet<>();
        all.forEach(m -> present.add(m.kind()));
        List<String> out = new ArrayList<>();
        for (io.github.trit4j.bench.StudyWorkload.Kind k : io.github.trit4j.bench.StudyWorkload.Kind.values()) {
            if (present.remove(k.name())) {
                out.add(k.name());
            }
        }
        out.addAll(present);
        return out;
    }

    /** Workloads of a kind, in {@link #workloads()} order. */
    public List<String> workloads(String kind) {
        Set<String> ofKind = new LinkedHashSet<>();
        all.stream().filter(m -> m.kind().equals(kind)).forEach(m -> ofKind.add(m.workload()));
        return workloads().stream().filter(ofKind::contains).toList();
    }

    /** Whether a group has a measurement of a workload kind. */
    public boolean has(Group g, String kind) {
        return all.stream().anyMatch(m -> group(m).equals(g) && m.kind().equals(kind));
    }

    /** Precisions present, in the study's order. */
    public List<StudyPrecision> precisions() {
        Set<String> present = new LinkedHashSet<>();
        all.forEach(m -> present.add(m.precision()));
        return java.util.Arrays.stream(StudyPrecision.values()).filter(p -> present.contains(p.name())).toList();
    }

    /**
     * The measurement of a group, workload and precision, if any. Where the precision ran more than once (fp32
     * OpenBLAS, once per OpenBLAS library), the fastest: the anchor is OpenBLAS at its best on this machine.
     */
    public Optional<Measurement> find(Group g, String workload, StudyPrecision precision) {
        return all.stream().filter(m -> group(m).equals(g) && m.workload().equals(workload)
                && m.precision().equals(precision.name())).min(Comparator.comparingDouble(Measurement::microsPerOp));
    }

    /** Every measurement of a group, workload and precision (one per OpenBLAS library for fp32 OpenBLAS). */
    public List<Measurement> findAll(Group g, String workload, StudyPrecision precision) {
        return all.stream().filter(m -> group(m).equals(g) && m.workload().equals(workload)
                && m.precision().equals(precision.name())).toList();
    }

    /** The fp32 OpenBLAS measurement a group's speedups are relative to (its own shape's, else native's, else any). */
    public Optional<Measurement> baseline(Group g, String workload) {
        Optional<Measurement> own = find(g, workload, StudyPrecision.FP32_OPENBLAS);
        if (own.isPresent()) {
            return own;
        }
        List<Measurement> candidates = all.stream().filter(m -> m.fingerprint().machine().equals(g.machine())
                && m.threads() == g.threads() && m.workload().equals(workload)
                && m.precision().equals(StudyPrecision.FP32_OPENBLAS.name()))
                .sorted(Comparator.<Measurement>comparingInt(m -> shapeOrder(m.isaShape()))
                        .thenComparingDouble(Measurement::microsPerOp)).toList();
        return candidates.stream().findFirst();
    }

    /** Speedup of a measurement over fp32 OpenBLAS (time ratio), if the baseline exists. */
    public OptionalDouble speedup(Group g, String workload, StudyPrecision precision) {
        Optional<Measurement> m = find(g, workload, precision);
        Optional<Measurement> base = baseline(g, workload);
        if (m.isEmpty() || base.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(base.get().microsPerOp() / m.get().microsPerOp());
    }

    /**
     * The error of {@link #speedup}: JMH's 99.9% errors of the two times combined (relative errors added in
     * quadrature, first order), in speedup units; NaN where either error is unknown, empty where there is no speedup.
     */
    public OptionalDouble speedupError(Group g, String workload, StudyPrecision precision) {
        Optional<Measurement> m = find(g, workload, precision);
        Optional<Measurement> base = baseline(g, workload);
        if (m.isEmpty() || base.isEmpty()) {
            return OptionalDouble.empty();
        }
        double speedup = base.get().microsPerOp() / m.get().microsPerOp();
        return OptionalDouble.of(speedup * Math.hypot(base.get().microsError() / base.get().microsPerOp(),
                m.get().microsError() / m.get().microsPerOp()));
    }

    /** FATNN's speedup over conventional ternary in a group and workload, if both ran. */
    public OptionalDouble fatnnOverConventional(Group g, String workload) {
        Optional<Measurement> f = find(g, workload, StudyPrecision.TERNARY_FATNN);
        Optional<Measurement> c = find(g, workload, StudyPrecision.TERNARY_CONVENTIONAL);
        if (f.isEmpty() || c.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(c.get().microsPerOp() / f.get().microsPerOp());
    }

    /** Geometric mean of the speedups over the workloads where there is one. */
    public OptionalDouble geomeanSpeedup(Group g, StudyPrecision precision) {
        return geomean(workloads().stream().map(w -> speedup(g, w, precision)).toList());
    }

    /** Geometric mean of the speedups over the workloads of a kind where there is one. */
    public OptionalDouble geomeanSpeedup(Group g, StudyPrecision precision, String kind) {
        return geomean(workloads(kind).stream().map(w -> speedup(g, w, precision)).toList());
    }

    /** Geometric mean of FATNN over conventional ternary over the workloads of a kind. */
    public OptionalDouble geomeanFatnnOverConventional(Group g, String kind) {
        return geomean(workloads(kind).stream().map(w -> fatnnOverConventional(g, w)).toList());
    }

    /** Geometric mean of GMAC/s over the workloads. */
    public OptionalDouble geomeanGmacs(Group g, StudyPrecision precision) {
        return geomean(workloads().stream().map(w -> find(g, w, precision)
                .map(m -> OptionalDouble.of(m.gmacs())).orElse(OptionalDouble.empty())).toList());
    }

    /**
     * The error of {@link #geomeanGmacs}: each workload's relative error (JMH's 99.9%) in quadrature over the
     * workloads' count, times the mean (first order); NaN if any is unknown.
     */
    public OptionalDouble geomeanGmacsError(Group g, StudyPrecision precision) {
        OptionalDouble mean = geomeanGmacs(g, precision);
        if (mean.isEmpty()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        int count = 0;
        for (String w : workloads()) {
            Optional<Measurement> m = find(g, w, precision);
            if (m.isPresent() && m.get().gmacs() > 0) {
                double relative = m.get().microsError() / m.get().microsPerOp();
                sum += relative * relative;
                count++;
            }
        }
        return OptionalDouble.of(mean.getAsDouble() * Math.sqrt(sum) / count);
    }

    /** Geometric mean of FATNN over conventional ternary. */
    public OptionalDouble geomeanFatnnOverConventional(Group g) {
        return geomean(workloads().stream().map(w -> fatnnOverConventional(g, w)).toList());
    }

    static OptionalDouble geomean(List<OptionalDouble> values) {
        double logSum = 0;
        int count = 0;
        for (OptionalDouble v : values) {
            if (v.isPresent() && v.getAsDouble() > 0) {
                logSum += Math.log(v.getAsDouble());
                count++;
            }
        }
        return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.exp(logSum / count));
    }

    private static Group group(Measurement m) {
        return new Group(m.fingerprint().machine(), m.isaShape(), m.threads());
    }

    private static int shapeOrder(String shape) {
        for (IsaShape s : IsaShape.values()) {
            if (s.id().equals(shape)) {
                return s.ordinal();
            }
        }
        return IsaShape.values().length;
    }
}
