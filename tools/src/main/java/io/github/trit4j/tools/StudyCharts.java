package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The study's PNG charts (JFreeChart, rendered off-screen; the JVM must be headless or have a
 * display): per group, the speedup over fp32 OpenBLAS per workload and precision; per thread
 * count, the geometric-mean throughput of each precision per ISA shape (and machine); per network table
 * ({@link StudyNetwork}), images per second of each way to run ResNet-18 (trit4j, PyTorch int8 and fp32) per batch
 * size and thread count.
 */
public final class StudyCharts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 520;

    private StudyCharts() {
    }

    /** File name to PNG bytes, in display order. */
    public static Map<String, byte[]> render(StudyResults results) {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        Map<String, byte[]> charts = new LinkedHashMap<>();
        boolean machines = results.severalMachines();
        for (StudyResults.Group g : results.groups()) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (StudyPrecision p : results.precisions()) {
                if (p == StudyPrecision.FP32_OPENBLAS) {
                    continue; // 1.0 by definition
                }
                for (String w : results.workloads()) {
                    OptionalDouble s = results.speedup(g, w, p);
                    if (s.isPresent()) {
                        data.addValue(s.getAsDouble(), p.label, w);
                    }
                }
            }
            if (data.getRowCount() > 0) {
                String name = "speedup-" + slug((machines ? g.machine() + "-" : "") + g.isaShape() + "-" + g.threads() + "t") + ".png";
                charts.put(name, png(logScale(bar("Speedup over fp32 OpenBLAS: " + g.label(machines)
                        + StudyTables.trit4jKernel(results, g), "workload", "speedup (x, log scale)", data), data)));
            }
        }
        for (StudyNetwork.Scope s : StudyNetwork.scopes(results)) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            List<StudyNetwork.Column> columns = StudyNetwork.columns(results, s);
            for (StudyNetwork.Row r : StudyNetwork.rows(results, s)) {
                for (StudyNetwork.Column c : columns) {
                    StudyNetwork.find(results, s, r, c).ifPresent(m ->
                            data.addValue(StudyNetwork.imagesPerSecond(m), r.label(), c.label()));
                }
            }
            if (data.getRowCount() > 0) {
                charts.put("network-" + slug((machines ? s.machine() + "-" : "") + s.isaShape()) + ".png",
                        png(bar("ResNet-18 224x224, images per second: " + s.label(machines)
                                + " (higher is faster)", "batch, threads", "images/s", data)));
            }
        }
        List<Integer> threadCounts = results.groups().stream().map(StudyResults.Group::threads).distinct().sorted().toList();
        for (int t : threadCounts) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (StudyResults.Group g : results.groups()) {
                if (g.threads() != t) {
                    continue;
                }
                String series = machines ? g.machine() + " · " + g.isaShape() : g.isaShape();
                for (StudyPrecision p : results.precisions()) {
                    OptionalDouble v = results.geomeanGmacs(g, p);
                    if (v.isPresent()) {
                        data.addValue(v.getAsDouble(), series, p.label);
                    }
                }
            }
            if (data.getRowCount() > 0) {
                charts.put("throughput-" + t + "t.png", png(bar("Throughput per ISA shape, " + t
                        + (t == 1 ? " thread" : " threads") + " (geometric mean over workloads)",
                        "precision", "GMAC/s", data)));
            }
        }
        return charts;
    }

    private static JFreeChart bar(String title, String categoryAxis, String valueAxis, DefaultCategoryDataset data) {
        JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        return chart;
    }

    /**
     * Speedups span four decades (a Vector API baseline at 0.03x, binary at 200x on a
     * memory-bound layer); on a linear axis everything but the largest bar is flat. Bars
     * start at the axis' lower bound.
     */
    private static JFreeChart logScale(JFreeChart chart, DefaultCategoryDataset data) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null && v.doubleValue() > 0) {
                    min = Math.min(min, v.doubleValue());
                    max = Math.max(max, v.doubleValue());
                }
            }
        }
        if (max == 0) {
            return chart;
        }
        CategoryPlot plot = chart.getCategoryPlot();
        org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis(plot.getRangeAxis().getLabel());
        axis.setBase(10);
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // one tick per decade
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0.###x"));
        double lower = Math.min(0.5, min / 2);
        axis.setRange(lower, Math.max(2, max * 2));
        plot.setRangeAxis(axis);
        ((BarRenderer) plot.getRenderer()).setBase(lower);
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
