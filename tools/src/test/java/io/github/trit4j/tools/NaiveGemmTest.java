package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NaiveGemmTest {

    @Test
    void multipliesRowsOfWByRowsOfX() {
        byte[] w = {1, -1, 0, /* row 1 */ 1, 1, 1};
        byte[] x = {2, 1, 3, /* row 1 */ 0, 2, 2, /* row 2 */ 1, 1, 1};
        // out[i*n + j] = w_i . x_j
        assertArrayEquals(new int[] {1, -2, 0, 6, 4, 3}, NaiveGemm.multiply(w, x, 2, 3, 3));
    }

    @Test
    void rejectsArraysOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> NaiveGemm.multiply(new byte[5], new byte[6], 2, 2, 3));
    }
}
