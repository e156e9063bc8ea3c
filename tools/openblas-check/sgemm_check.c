/*
 * sgemm_check: times OpenBLAS cblas_sgemm from C on the speedup study's fp32 anchor shapes, so that the
 * figure trit4j's Java anchor (FFM downcall, JMH; scripts/anchor-check.sh runs both) reports can be checked against the same
 * library and core called natively.
 *
 * Build and run (any C compiler; no OpenBLAS headers needed, the library is opened at run time):
 *
 *   gcc -O2 -std=c11 -o /tmp/sgemm_check tools/openblas-check/sgemm_check.c -ldl
 *   /tmp/sgemm_check /usr/lib/x86_64-linux-gnu/libopenblas.so.0          # the system's OpenBLAS
 *   D=~/.javacpp/cache/.../linux-x86_64  # bytedeco's (scripts/anchor-check.sh prints the path); it needs the
 *   LD_LIBRARY_PATH=$D /tmp/sgemm_check $D/libopenblas_nolapack.so.0    # libgfortran extracted beside it
 *
 * Optional arguments after the library: seconds per measurement (default 2), thread counts (default "1,2"),
 * workloads (default "S1,Q1"; also S2,S3,S4 or MxNxK).
 *
 * What it measures is what the Java side measures: C = A * B^T, row-major, A M x K, B N x K (the study's
 * GEMM layout: cblas_sgemm(RowMajor, NoTrans, Trans)), operands 64-byte aligned, uniform in [-1, 1);
 * openblas_set_num_threads once per thread count; 0.5 s of warm-up, then five timed runs of a fifth of the
 * seconds each; prints the median and the range of the five in GMAC/s (M*N*K per second / 1e9).
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in the environment act on it as on any OpenBLAS user; the line
 * "core" says which core ran. With SGEMM_CHECK_SET_THREADS_EVERY_CALL=1 in the environment it calls
 * openblas_set_num_threads before every sgemm, as the study's earlier bytedeco anchor did (to measure that cost).
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*set_threads_fn)(int);
typedef char *(*string_fn)(void);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return a < b ? -1 : a > b;
}

static float *operand(long count) {
    float *v = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64);
    if (!v) { perror("aligned_alloc"); exit(1); }
    for (long i = 0; i < count; i++) v[i] = (float) (rand() / (RAND_MAX + 1.0) * 2 - 1);
    return v;
}

static int shape(const char *name, int *m, int *n, int *k) {
    if (!strcmp(name, "S1")) { *m = 64; *n = 3136; *k = 576; return 1; }
    if (!strcmp(name, "S2")) { *m = 128; *n = 784; *k = 1152; return 1; }
    if (!strcmp(name, "S3")) { *m = 256; *n = 196; *k = 2304; return 1; }
    if (!strcmp(name, "S4")) { *m = 512; *n = 49; *k = 4608; return 1; }
    if (!strcmp(name, "Q1")) { *m = 1024; *n = 1024; *k = 1024; return 1; }
    return sscanf(name, "%dx%dx%d", m, n, k) == 3 && *m > 0 && *n > 0 && *k > 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIBOPENBLAS [SECONDS [THREADS [WORKLOADS]]]\n", argv[0]);
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 2.0;
    char threads_arg[256], work_arg[256];
    snprintf(threads_arg, sizeof threads_arg, "%s", argc > 3 ? argv[3] : "1,2");
    snprintf(work_arg, sizeof work_arg, "%s", argc > 4 ? argv[4] : "S1,Q1");

    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    sgemm_fn sgemm = (sgemm_fn) dlsym(lib, "cblas_sgemm");
    set_threads_fn set_threads = (set_threads_fn) dlsym(lib, "openblas_set_num_threads");
    string_fn config = (string_fn) dlsym(lib, "openblas_get_config");
    string_fn corename = (string_fn) dlsym(lib, "openblas_get_corename");
    if (!sgemm || !set_threads) { fprintf(stderr, "%s lacks cblas_sgemm or openblas_set_num_threads\n", argv[1]); return 1; }
    printf("library %s\nconfig  %s\ncore    %s\n", argv[1], config ? config() : "?", corename ? corename() : "?");
    const char *env[] = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"};
    for (int i = 0; i < 4; i++) if (getenv(env[i])) printf("env     %s=%s\n", env[i], getenv(env[i]));

    const char *every = getenv("SGEMM_CHECK_SET_THREADS_EVERY_CALL");
    int set_every_call = every && !strcmp(every, "1");
    if (set_every_call) printf("openblas_set_num_threads before every call\n");

    for (char *w = strtok(work_arg, ","); w; w = strtok(NULL, ",")) {
        int m, n, k;
        if (!shape(w, &m, &n, &k)) { fprintf(stderr, "unknown workload %s\n", w); return 2; }
        float *a = operand((long) m * k), *b = operand((long) n * k), *c = operand((long) m * n);
        char tcopy[256];
        snprintf(tcopy, sizeof tcopy, "%s", threads_arg);
        char *save;
        for (char *t = strtok_r(tcopy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int threads = atoi(t);
            set_threads(threads);
            double end = now() + 0.5;
            while (now() < end) sgemm(ROW_MAJOR, NO_TRANS, TRANS, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
            double gmacs[5];
            for (int r = 0; r < 5; r++) {
                long calls = 0;
                double start = now(), stop;
                do {
                    if (set_every_call) set_threads(threads);
                    sgemm(ROW_MAJOR, NO_TRANS, TRANS, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
                    calls++;
                } while ((stop = now()) - start < seconds / 5);
                gmacs[r] = (double) m * n * k * calls / (stop - start) / 1e9;
            }
            qsort(gmacs, 5, sizeof gmacs[0], cmp);
            printf("%-4s (%d,%d,%d) threads %d: %7.1f GMAC/s median (%.1f-%.1f over 5 runs of %.2f s)\n",
                   w, m, n, k, threads, gmacs[2], gmacs[0], gmacs[4], seconds / 5);
            fflush(stdout);
        }
        free(a); free(b); free(c);
    }
    return 0;
}
