/**
 * Internal: the ISA kernels, their driver and the dispatch (after Lucene's
 * {@code org.apache.lucene.internal.vectorization}). Not exported by the module, and no part
 * of the API: anything here may change in any release.
 */
package io.github.trit4j.internal.kernel;
