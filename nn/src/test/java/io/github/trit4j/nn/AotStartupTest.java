package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 item 6: the start-up recipe of docs/NETWORKS.md ("Start-up for services") end to end on a tiny model.
 * A training JVM with {@code -XX:AOTCacheOutput} loads the model, calls {@code warmUp()} and predicts; a JVM started
 * as the section says a service may be, with {@code -XX:AOTCache}, {@code -XX:AOTMode=on} (which refuses to start
 * without a usable cache) and {@code -Xbatch}, does the same; a plain JVM predicts the same image without warm-up.
 * Their logits must be the same bits. JDK 25 refuses a directory on the class path of a JVM that records a cache
 * ("Cannot have non-empty directory in paths"), so the test's class directories go into a jar first, as a service
 * ships in jars.
 */
class AotStartupTest {

    @TempDir
    Path dir;

    /** The child: load the model {@code args[0]}, warm it up if {@code args[1]} is "warm", print an image's logits. */
    public static void main(String[] args) throws IOException {
        Network net = Network.load(Path.of(args[0]));
        if (args[1].equals("warm")) {
            net.warmUp(Duration.ofSeconds(2));
        }
        for (float v : net.predict(image(), 1)) {
            System.out.println("logit " + Integer.toHexString(Float.floatToRawIntBits(v)));
        }
    }

    /** An input of the tiny model (1 x 6 x 6). */
    private static float[] image() {
        return JitDeterminismTest.input(36);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aCachedJvmPredictsWhatAPlainJvmDoes() throws IOException, InterruptedException {
        Path model = dir.resolve("tiny.safetensors");
        ModelFile.of(ModelFileTest.ARCH, Map.of(), ModelFileTest.tensors()).write(model);
        String classPath = jarredClassPath();
        Path cache = dir.resolve("app.aot");

        List<String> training = run(classPath, List.of("-XX:AOTCacheOutput=" + cache), model, "warm");
        assertTrue(Files.isRegularFile(cache) && Files.size(cache) > 0, "the training JVM wrote the cache " + cache);
        List<String> cached = run(classPath, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xbatch"), model,
                "warm");
        List<String> plain = run(classPath, List.of(), model, "cold");

        assertFalse(plain.isEmpty(), "the plain JVM printed logits");
        assertEquals(plain, training, "the training JVM's logits (after warmUp) vs a plain JVM's");
        assertEquals(plain, cached, "the cached -Xbatch JVM's logits (after warmUp) vs a plain JVM's");
        List<String> here = new ArrayList<>();
        for (float v : Network.load(model).predict(image(), 1)) {
            here.add("logit " + Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        assertEquals(here, plain, "a plain JVM's logits vs this JVM's");
    }

    /** This JVM's class path with each directory packed into a jar of its own under {@link #dir}. */
    private String jarredClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                entries.add(entry);
                continue;
            }
            Path jar = dir.resolve("classes-" + n++ + ".jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    out.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Runs {@link #main} in a fresh JVM with {@code flags}: its logit lines; fails the test if the JVM fails. */
    private List<String> run(String classPath, List<String> flags, Path model, String mode)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", classPath, AotStartupTest.class.getName(), model.toString(), mode));
        Path log = Files.createTempFile(dir, "child", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the JVM " + flags + " did not end in 120 s");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit status of the JVM " + flags + "; its output:\n" + out);
        return out.lines().filter(l -> l.startsWith("logit ")).toList();
    }
}
