package io.github.trit4j.testkit;

/** The kit's convolution base class as a user extends it: a correct direct convolution passes. */
class DirectConvTest extends TernaryConvProperties {

    @Override
    protected TernaryConv implementation() {
        return new DirectConv(DirectConv.Defect.NONE);
    }
}
