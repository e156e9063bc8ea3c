package io.github.trit4j.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor of a model file: F32 ({@link #floats()}) or I8 ({@link #bytes()}), row-major
 * with {@link #shape()}. Immutable as far as this class goes: the arrays are copied in and
 * out.
 */
public final class Tensor {

    /** The element types trit4j model files use. */
    public enum DType {
        /** IEEE 754 binary32, little-endian. */
        F32(4),
        /** Signed 8-bit integer (weight codes). */
        I8(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** {@return bytes per element} */
        public int bytes() {
            return bytes;
        }
    }

    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final byte[] bytes;

    private Tensor(String name, DType dtype, int[] shape, float[] floats, byte[] bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = dtype;
        this.shape = Objects.requireNonNull(shape, "shape").clone();
        long n = 1;
        for (int d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyHigh(n, d) != 0 || n * d < 0 ? Long.MAX_VALUE : n * d; // saturates: never wraps to a match
        }
        long have = floats != null ? floats.length : bytes.length;
        if (n != have) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " has "
                    + (n == Long.MAX_VALUE ? "too many" : String.valueOf(n)) + " elements but " + have + " were given");
        }
        this.floats = floats;
        this.bytes = bytes;
    }

    /**
     * {@return an F32 tensor (values copied)}
     *
     * @param name   the tensor's name in the model file
     * @param values its elements, row-major
     * @param shape  its dimensions
     */
    public static Tensor f32(String name, float[] values, int... shape) {
        return new Tensor(name, DType.F32, shape, Objects.requireNonNull(values, "values").clone(), null);
    }

    /**
     * {@return an I8 tensor (values copied)}
     *
     * @param name   the tensor's name in the model file
     * @param values its elements, row-major
     * @param shape  its dimensions
     */
    public static Tensor i8(String name, byte[] values, int... shape) {
        return new Tensor(name, DType.I8, shape, null, Objects.requireNonNull(values, "values").clone());
    }

    /** Wraps without copying: for the reader, which made the arrays itself. */
    static Tensor wrapF32(String name, float[] values, int[] shape) {
        return new Tensor(name, DType.F32, shape, values, null);
    }

    static Tensor wrapI8(String name, byte[] values, int[] shape) {
        return new Tensor(name, DType.I8, shape, null, values);
    }

    /** {@return the tensor's name in the file} */
    public String name() {
        return name;
    }

    /** {@return its element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return a copy of its shape} */
    public int[] shape() {
        return shape.clone();
    }

    /** {@return number of elements} */
    public int size() {
        return floats != null ? floats.length : bytes.length;
    }

    /** {@return a copy of the values of an F32 tensor. @throws IllegalStateException if it is I8} */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor " + name + " is " + dtype + ", not F32");
        }
        return floats.clone();
    }

    /** {@return a copy of the values of an I8 tensor. @throws IllegalStateException if it is F32} */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException("tensor " + name + " is " + dtype + ", not I8");
        }
        return bytes.clone();
    }

    /** The F32 array itself, for this package (no copy). */
    float[] floatsView() {
        return floats;
    }

    /** The I8 array itself, for this package (no copy). */
    byte[] bytesView() {
        return bytes;
    }

    /** Shape equality without copying. */
    boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
