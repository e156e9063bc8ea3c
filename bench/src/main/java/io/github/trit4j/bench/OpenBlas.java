package io.github.trit4j.bench;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An OpenBLAS shared library called through the Foreign Function &amp; Memory API ({@code java.lang.foreign}): the
 * fastest way a Java program can call {@code cblas_sgemm} (a plain downcall on native memory, no JNI wrapper, no
 * copies). Two libraries are offered: {@link Source#BYTEDECO bytedeco}'s, bundled with its {@code openblas} jar (any
 * platform with a JVM), and the {@link Source#SYSTEM system}'s {@code libopenblas}, where one is installed (e.g.
 * Debian's {@code libopenblas0}). The speedup study measures both and takes the faster as its anchor.
 *
 * <p>Each library is loaded once per JVM and kept for its life (global arena). OpenBLAS's thread count is
 * process-wide state of the library ({@code openblas_set_num_threads}); {@link #threads(int)} sets it only when it
 * changes, because the study's forks run one product at one thread count, and setting it on every call would add a
 * lock and, in some versions, a wake-up of the thread pool to every product. Thread safety: the downcalls are as safe
 * as OpenBLAS itself (concurrent {@code sgemm} calls are; changing the thread count while another thread multiplies
 * is not): use one thread count per JVM.
 */
public final class OpenBlas {

    /** Where the library comes from. */
    public enum Source {
        /** bytedeco's build inside its {@code openblas} jar ({@code libopenblas_nolapack}), extracted by its
         * loader into {@code ~/.javacpp/cache}. */
        BYTEDECO,
        /** The system's {@code libopenblas} (or the file named by the system property {@value #PATH_PROPERTY}). */
        SYSTEM;

        /** Lower-case name, as the command line and the JMH parameter spell it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code bytedeco} or {@code system}, any case. */
        public static Source parse(String text) {
            for (Source s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("OpenBLAS library '" + text + "': expected bytedeco or system");
        }
    }

    /** System property naming the system OpenBLAS file to use instead of the usual places. */
    public static final String PATH_PROPERTY = "trit4j.openblas.path";

    /**
     * Environment variables that override OpenBLAS's own choice of kernels and blocking for the CPU:
     * {@code OPENBLAS_CORETYPE} forces a core's kernels, {@code OPENBLAS_L2_SIZE} the cache size its
     * blocking assumes.
     */
    public static final List<String> FORCING_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    /** Where distributions install the shared library (the first that exists is taken). */
    private static final List<String> SYSTEM_CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
            "/usr/lib64/libopenblas.so.0", "/usr/lib/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0",
            "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib");

    private static final ConcurrentHashMap<Source, OpenBlas> LOADED = new ConcurrentHashMap<>();

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final Source source;
    private final Path path;
    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final String config;
    private final String coreName;
    private int threads = -1;

    private OpenBlas(Source source, Path path) {
        this.source = source;
        this.path = path;
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        this.sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"), FunctionDescriptor.ofVoid(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        this.setThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        this.config = string(linker, lib, "openblas_get_config");
        this.coreName = string(linker, lib, "openblas_get_corename");
    }

    /**
     * The library of a source, loaded on first use.
     *
     * @throws IllegalStateException if it cannot be found or lacks {@code cblas_sgemm}
     */
    public static OpenBlas load(Source source) {
        return LOADED.computeIfAbsent(source, s -> new OpenBlas(s, locate(s)
                .orElseThrow(() -> new IllegalStateException("no " + s.id() + " OpenBLAS found"
                        + (s == Source.SYSTEM ? " (looked for " + SYSTEM_CANDIDATES + "; set -D" + PATH_PROPERTY
                        + "=FILE)" : "")))));
    }

    /**
     * Whether a source's library can be found on this machine, without loading it: bytedeco's is a dependency of
     * this module, so always (its jar's natives for this platform are checked when it loads).
     */
    public static boolean available(Source source) {
        if (source == Source.BYTEDECO) {
            return true;
        }
        try {
            return locate(source).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The sources whose library this machine has, bytedeco's first. */
    public static List<Source> availableSources() {
        return Stream.of(Source.values()).filter(OpenBlas::available).toList();
    }

    private static Optional<Path> locate(Source source) {
        if (source == Source.BYTEDECO) {
            return bytedecoPath();
        }
        String forced = System.getProperty(PATH_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return Optional.of(Path.of(forced.trim()));
        }
        return SYSTEM_CANDIDATES.stream().map(Path::of).filter(Files::isRegularFile).findFirst();
    }

    /**
     * bytedeco's {@code libopenblas_nolapack} (the flavour its {@code openblas_nolapack} class loads): its loader
     * extracts the platform's natives into its cache and loads them (the JNI wrapper links the library, which lies
     * beside it). Symbolic links are skipped, so the file named is the one that is loaded.
     */
    private static Optional<Path> bytedecoPath() {
        String jni = Loader.load(openblas_nolapack.class);
        if (jni == null) {
            return Optional.empty();
        }
        Path dir = Path.of(jni).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.contains("openblas_nolapack") && !name.contains("jni") && !Files.isSymbolicLink(p)
                        && Files.isRegularFile(p);
            }).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("OpenBLAS library lacks " + name));
    }

    private static String string(Linker linker, SymbolLookup lib, String name) {
        Optional<MemorySegment> symbol = lib.find(name);
        if (symbol.isEmpty()) {
            return "?";
        }
        try {
            MemorySegment s = (MemorySegment) linker.downcallHandle(symbol.get(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
            return s.equals(MemorySegment.NULL) ? "?" : s.reinterpret(1024).getString(0).trim();
        } catch (Throwable e) {
            return "? (" + e + ")";
        }
    }

    /** Where this library came from. */
    public Source source() {
        return source;
    }

    /** The file loaded, with links resolved where possible. */
    public Path path() {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /** {@code openblas_get_config()}, e.g. {@code "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"}. */
    public String config() {
        return config;
    }

    /** The OpenBLAS version from {@link #config()}, e.g. {@code 0.3.21}, or "?". */
    public String version() {
        String[] words = config.split("\\s+");
        return words.length > 1 && words[0].equals("OpenBLAS") ? words[1] : "?";
    }

    /** {@code openblas_get_corename()}: the core whose kernels run, e.g. {@code Cooperlake}, {@code Haswell}, {@code Zen}. */
    public String coreName() {
        return coreName;
    }

    /**
     * What runs, for tables and the CSV: {@code "OpenBLAS 0.3.21 Cooperlake (system)"}, with the forcing variables set
     * in this process, e.g. {@code "OpenBLAS 0.3.31 Haswell (bytedeco; OPENBLAS_CORETYPE=Haswell)"}.
     */
    public String describe() {
        String forced = forcingEnvironment();
        return "OpenBLAS " + version() + " " + coreName + " (" + source.id() + (forced.isEmpty() ? "" : "; " + forced) + ")";
    }

    /** Sets OpenBLAS's thread count for the next products, if it differs from the last one set through this object. */
    public synchronized void threads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + count);
        }
        if (count != threads) {
            try {
                setThreads.invokeExact(count);
            } catch (Throwable e) {
                throw new IllegalStateException("openblas_set_num_threads failed", e);
            }
            threads = count;
        }
    }

    /**
     * {@code C = A * op(B)}, row-major: A M x K (lda K), B N x K with {@code transB} (ldb K) or K x N without (ldb N),
     * C M x N (ldc N); native segments large enough (checked).
     */
    public void sgemm(boolean transB, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("M, N, K must be >= 1, got " + m + ", " + n + ", " + k);
        }
        if (a.byteSize() < (long) m * k * Float.BYTES || b.byteSize() < (long) n * k * Float.BYTES
                || c.byteSize() < (long) m * n * Float.BYTES || !a.isNative() || !b.isNative() || !c.isNative()) {
            throw new IllegalArgumentException("sgemm: A, B, C must be native segments of M*K, N*K, M*N floats");
        }
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f, a, k, b, transB ? k : n,
                    0f, c, n);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }

    /** {@code "OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512"}: those of {@link #FORCING_VARIABLES} set in this process, or "". */
    public static String forcingEnvironment() {
        StringBuilder sb = new StringBuilder();
        for (String name : FORCING_VARIABLES) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                sb.append(sb.isEmpty() ? "" : " ").append(name).append('=').append(v.trim());
            }
        }
        return sb.toString();
    }
}
