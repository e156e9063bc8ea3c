package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/NETWORKS.md's Java snippet, copied verbatim into {@link Serve} below: it must compile and run. */
class DocExampleTest {

    @TempDir
    Path dir;

    @Test
    void snippetInTheDocsIsTheOneCompiledHere() throws IOException {
        Path doc = Path.of("../docs/NETWORKS.md");
        if (!Files.exists(doc)) {
            return; // run outside the repository
        }
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
        assertTrue(m.find(), "no java block in " + doc);
        String snippet = m.group(1).replaceAll("\\s+", " ").trim();
        String here = Files.readString(Path.of("src/test/java/io/github/trit4j/nn/DocExampleTest.java"))
                .replaceAll("\\s+", " ");
        String body = snippet.substring(snippet.indexOf("public final class Serve"));
        assertTrue(here.contains(body.replace("public final class Serve", "static final class Serve")),
                "docs/NETWORKS.md's snippet differs from DocExampleTest.Serve");
    }

    @Test
    void snippetRunsOnAModel() throws IOException {
        Path model = dir.resolve("m.safetensors");
        ResNets.smallModel(ConvMode.FATNN, 1, 8).write(model);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            Serve.main(new String[] {model.toString()});
        } finally {
            System.setOut(old);
        }
        assertTrue(buf.toString().contains("with p = "), buf.toString());
    }

    static final class Serve {
    public static void main(String[] args) throws IOException {
        Network net = Network.load(Path.of(args[0]));   // checks everything, or throws naming the tensor/field
        int batch = 4;
        float[] images = new float[batch * net.inputSize()]; // NCHW float32; for Fashion-MNIST, pixel / 255f
        float[] logits = net.predict(images, batch);         // batch x classes
        int[] labels = Network.argmax(logits, net.classes());
        float[] probabilities = Network.softmax(logits, net.classes());
        System.out.println(labels[0] + " with p = " + probabilities[labels[0]]);
    }
    }
}
