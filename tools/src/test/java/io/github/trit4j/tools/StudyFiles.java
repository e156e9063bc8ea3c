package io.github.trit4j.tools;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks of a folder written by the study: CSV header and rows, the HTML's tables and images, the PNGs. */
final class StudyFiles {

    private StudyFiles() {
    }

    /** The CSV's rows (header checked), the report parsed, every PNG decoded non-empty; returns the rows. */
    static List<Measurement> check(Path dir) throws IOException {
        Path csv = dir.resolve("results.csv");
        assertTrue(Files.isRegularFile(csv), "results.csv missing");
        String header = Files.readAllLines(csv, StandardCharsets.UTF_8).get(0);
        assertEquals(String.join(",", Measurement.COLUMNS), header);
        List<Measurement> rows = ResultsCsv.read(csv);
        assertFalse(rows.isEmpty());

        Document html = Jsoup.parse(dir.resolve("report.html").toFile(), "UTF-8");
        assertFalse(html.select("table").isEmpty(), "no table in report.html");
        Element summary = html.select("table").first();
        assertTrue(summary.select("caption").text().startsWith("Speedup over fp32 OpenBLAS"), summary.text());
        assertFalse(summary.select("tbody tr").isEmpty());
        // self-contained: every image is inline, nothing is fetched
        assertFalse(html.select("img").isEmpty());
        for (Element img : html.select("img")) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
            assertNonEmptyImage(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)));
        }
        assertTrue(html.select("script, link[href], [src^=http]").isEmpty(), "report.html refers to outside resources");

        List<Path> pngs;
        try (Stream<Path> files = Files.list(dir)) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertFalse(pngs.isEmpty(), "no PNG chart written");
        assertEquals(pngs.size(), html.select("img").size());
        for (Path png : pngs) {
            assertNonEmptyImage(Files.readAllBytes(png));
        }
        return rows;
    }

    static void assertNonEmptyImage(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(image, "not a decodable image");
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100);
        // not a blank canvas: some pixel differs from the corner's
        int corner = image.getRGB(0, 0);
        boolean drawn = false;
        for (int y = 0; y < image.getHeight() && !drawn; y += 3) {
            for (int x = 0; x < image.getWidth() && !drawn; x += 3) {
                drawn = image.getRGB(x, y) != corner;
            }
        }
        assertTrue(drawn, "blank image");
    }
}
