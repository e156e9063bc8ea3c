package io.github.trit4j.testkit;

/** The kit's GEMM base class as a user extends it: a correct bit-plane GEMM passes every property on all 16 pairs. */
class PlanesGemmTest extends TernaryGemmProperties {

    @Override
    protected TernaryGemm implementation() {
        return new PlanesGemm(PlanesGemm.Defect.NONE, true);
    }
}
