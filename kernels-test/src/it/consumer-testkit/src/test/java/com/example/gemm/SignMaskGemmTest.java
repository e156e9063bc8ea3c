package com.example.gemm;

import io.github.trit4j.testkit.CodePair;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.TernaryGemm;
import io.github.trit4j.testkit.TernaryGemmProperties;

/** The kit's whole GEMM property set, run on this project's own kernel. */
class SignMaskGemmTest extends TernaryGemmProperties {

    @Override
    protected TernaryGemm implementation() {
        return new TernaryGemm() {
            @Override
            public int[] multiply(CodeSet weightCodes, byte[] weights, CodeSet activationCodes, byte[] activations,
                                  int m, int n, int k) {
                return SignMaskGemm.multiply(weights, activations, m, n, k,
                        activationCodes == CodeSet.TERNARY_UNSIGNED);
            }

            @Override
            public boolean supports(CodePair pair) {
                return pair.weights() == CodeSet.TERNARY
                        && (pair.activations() == CodeSet.TERNARY || pair.activations() == CodeSet.TERNARY_UNSIGNED);
            }

            @Override
            public String name() {
                return "SignMaskGemm";
            }
        };
    }
}
