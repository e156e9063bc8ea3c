package org.example.outsider;

import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.internal.kernel.TrustedPacking;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A class outside trit4j's packages cannot reach the unchecked wrappers even on the class path
 * (where the module's export rules do not apply), and the module exports no internal package.
 */
class TrustedPackingAccessTest {

    @Test
    void anOutsiderCannotFetchTheWrappers() {
        IllegalCallerException e = assertThrows(IllegalCallerException.class, () -> TrustedPacking.wrapper(PackedMatrix.class));
        assertTrue(e.getMessage().contains(TrustedPackingAccessTest.class.getName()), e.getMessage());
    }

    @Test
    void anOutsiderCannotRegisterWrappers() {
        TrustedPacking.Wrapper<PackedMatrix> fake = operand -> {
            throw new AssertionError();
        };
        assertThrows(IllegalCallerException.class, () -> TrustedPacking.register(PackedMatrix.class, fake));
        // the library's own packers still work, so the fake did not get in
        PackedMatrix m = io.github.trit4j.quant.ActivationQuantizer.uniform(Precision.TERNARY_UNSIGNED, 1f)
                .pack(new float[] {0f, 0.5f, 1f}, 0, 1, 3, 3);
        assertEquals(3, m.cols());
    }

    @Test
    void theModuleExportsNoInternalPackage() throws Exception {
        Path classes = Path.of(PackedMatrix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor d = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
        assertEquals("io.github.trit4j.kernels", d.name());
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertTrue(d.packages().contains("io.github.trit4j.internal.kernel"), d.packages()::toString);
        for (String p : exported) {
            assertFalse(p.contains(".internal"), p);
        }
        assertFalse(d.isOpen());
        assertTrue(d.opens().isEmpty(), d.opens()::toString);
    }
}
