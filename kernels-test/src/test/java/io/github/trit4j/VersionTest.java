package io.github.trit4j;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@link Trit4j#version()} is the POM's version wherever the kernels come from: the reactor's
 * class folder or jar here, the installed jar in the consumer builds (kernels-test/src/it).
 */
class VersionTest {

    @Test
    void versionIsTheProjectVersion() {
        String expected = System.getProperty("trit4j.test.projectVersion");
        assertNotNull(expected, "surefire passes trit4j.test.projectVersion");
        assertEquals(expected, Trit4j.version());
    }
}
