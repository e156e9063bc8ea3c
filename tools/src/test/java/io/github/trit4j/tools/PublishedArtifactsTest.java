package io.github.trit4j.tools;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published artifacts, as {@code package} leaves them: every artifact the BOM ({@code bom/pom.xml}) lists has,
 * beside its jar, a sources jar and a Javadoc jar, and its jar carries {@code Implementation-Version} (the project
 * version) and {@code META-INF/LICENSE} (the repository's). The BOM has the parent's version and lists
 * kernels, nn and testkit. In a full build ({@code ./build verify}) the published modules are packaged before the
 * tools' tests run; a build that stops at {@code test} (e.g. {@code -pl tools -am test}) has no jars, and then the
 * per-artifact checks are skipped, not passed.
 */
class PublishedArtifactsTest {

    /** The repository root, from the tools module (surefire's working directory). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern BOM_ARTIFACT = Pattern.compile("<artifactId>(trit4j-[a-z-]+)</artifactId>");

    private static String version(Path pom) throws IOException {
        // the project's own version: the first <version> after its <artifactId>, outside <parent>
        String xml = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("(?s)<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)</version>").matcher(xml);
        assertTrue(m.find(), pom + ": no version");
        return m.group(1);
    }

    /** The artifacts the BOM manages. */
    private static List<String> bomArtifacts() throws IOException {
        String xml = Files.readString(ROOT.resolve("bom/pom.xml"));
        String managed = xml.substring(xml.indexOf("<dependencyManagement>"), xml.indexOf("</dependencyManagement>"));
        List<String> out = new ArrayList<>();
        Matcher m = BOM_ARTIFACT.matcher(managed);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theBomListsEveryPublishedLibraryAtTheParentsVersion() throws IOException {
        assertEquals(List.of("trit4j-kernels", "trit4j-nn", "trit4j-testkit"), bomArtifacts());
        assertEquals(version(ROOT.resolve("pom.xml")), version(ROOT.resolve("bom/pom.xml")));
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        assertTrue(bom.contains("<packaging>pom</packaging>") && bom.contains("<artifactId>trit4j-bom</artifactId>"));
        assertFalse(bom.contains("<parent>"), "the BOM must not inherit the parent's dependencyManagement");
        assertTrue(Files.readString(ROOT.resolve("pom.xml")).contains("<module>bom</module>"));
    }

    @TestFactory
    List<DynamicTest> eachPublishedJarHasSourcesJavadocVersionAndLicense() throws IOException {
        String version = version(ROOT.resolve("pom.xml"));
        String license = Files.readString(ROOT.resolve("LICENSE"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String artifact : bomArtifacts()) {
            Path module = ROOT.resolve(artifact.substring("trit4j-".length()));
            tests.add(DynamicTest.dynamicTest(artifact, () -> {
                assumeTrue(Files.isDirectory(module), () -> module + " is not in this checkout");
                assertTrue(Files.readString(module.resolve("pom.xml")).contains("<artifactId>" + artifact + "</artifactId>"),
                        module + "/pom.xml");
                Path target = module.resolve("target");
                Path jar = target.resolve(artifact + "-" + version + ".jar");
                assumeTrue(Files.isRegularFile(jar), () -> jar + " not built: run package (./build verify)");
                for (String classifier : List.of("sources", "javadoc")) {
                    Path attached = target.resolve(artifact + "-" + version + "-" + classifier + ".jar");
                    assertTrue(Files.isRegularFile(attached), attached + " missing");
                    try (JarFile j = new JarFile(attached.toFile())) {
                        assertTrue(j.stream().anyMatch(e -> e.getName().endsWith(classifier.equals("sources")
                                ? ".java" : ".html")), attached + " is empty");
                    }
                }
                try (JarFile j = new JarFile(jar.toFile())) {
                    assertNotNull(j.getManifest(), jar + ": no manifest");
                    assertEquals(version, j.getManifest().getMainAttributes().getValue("Implementation-Version"),
                            jar + ": Implementation-Version");
                    var entry = j.getEntry("META-INF/LICENSE");
                    assertNotNull(entry, jar + ": no META-INF/LICENSE");
                    assertEquals(license, new String(j.getInputStream(entry).readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8), jar + ": META-INF/LICENSE is not ../LICENSE");
                }
            }));
        }
        return tests;
    }
}
