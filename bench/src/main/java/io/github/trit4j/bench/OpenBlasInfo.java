package io.github.trit4j.bench;

/**
 * Prints, per OpenBLAS library this machine has ({@link OpenBlas#availableSources()}), one tab-separated line:
 * source, file, version, core, {@code openblas_get_config()}. {@code scripts/anchor-check.sh} reads it to point its
 * C driver at the very files the Java anchor calls.
 */
public final class OpenBlasInfo {

    private OpenBlasInfo() {
    }

    /** No arguments. */
    public static void main(String[] args) {
        for (OpenBlas.Source source : OpenBlas.availableSources()) {
            OpenBlas lib = OpenBlas.load(source);
            System.out.println(String.join("\t", source.id(), lib.path().toString(), lib.version(), lib.coreName(),
                    lib.config()));
        }
    }
}
