package io.github.trit4j.testkit;

import java.util.function.Supplier;

/**
 * One property of the kit bound to one implementation and one pair of value sets, ready to run.
 * {@link TernaryGemmProperties#properties} and {@link TernaryConvProperties#properties} list them;
 * the JUnit base classes run each as a dynamic test.
 */
public final class KitProperty {

    private final String name;
    private final CodePair pair;
    private final Supplier<PropertyResult> body;

    KitProperty(String name, CodePair pair, Supplier<PropertyResult> body) {
        this.name = name;
        this.pair = pair;
        this.body = body;
    }

    /**
     * The property's name.
     *
     * @return for example {@code randomShapes}
     */
    public String name() {
        return name;
    }

    /**
     * The value sets it runs on.
     *
     * @return the pair
     */
    public CodePair pair() {
        return pair;
    }

    /**
     * Runs the property (within its budget) and reports; never throws for a failing implementation.
     *
     * @return what it found
     */
    public PropertyResult run() {
        return body.get();
    }

    /**
     * Runs the property, as its dynamic test does: says on standard output how many examples the
     * time budget left unchecked, if any, and throws the failure, if any.
     *
     * @throws AssertionError with the failure message (see {@link PropertyResult#assertPassed()})
     */
    public void check() {
        PropertyResult r = run();
        if (r.examplesSkipped() > 0) {
            System.out.println("trit4j-testkit: " + r.implementation() + " " + this + ": the time budget left "
                    + r.examplesSkipped() + " examples unchecked after " + r.examplesChecked());
        }
        r.assertPassed();
    }

    /**
     * The name and the pair.
     *
     * @return for example {@code randomShapes: TERNARY x TERNARY}
     */
    @Override
    public String toString() {
        return name + ": " + pair;
    }
}
