package io.github.trit4j.internal.kernel;

import jdk.incubator.vector.VectorShape;

/** Isolates the one vector-module call dispatch needs, so that it is linked only when the module is present. */
final class PreferredShape {

    private PreferredShape() {
    }

    static int bits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
