/**
 * Run-time support shared by the kernels and the network runtime (exported to {@code io.github.trit4j.nn} only):
 * the one per-thread workspace mechanism, {@link io.github.trit4j.internal.runtime.PerThread}.
 */
package io.github.trit4j.internal.runtime;
