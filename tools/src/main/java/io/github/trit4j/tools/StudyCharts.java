package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

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
 * size and thread count. Every bar carries an error bar (JMH's 99.9% confidence interval, propagated to first order;
 * none where JMH gave none), and, where the bars are few enough to stay legible, its value. An indicative run
 * ({@code --quick}) says INDICATIVE in every chart's title.
 */
public final class StudyCharts {

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 640;
    /** Above this many bars a chart shows no value labels: they would overlap. */
    private static final int MAX_LABELLED_BARS = 40;
    private static final java.awt.Font TITLE_FONT = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 18);
    private static final java.awt.Font LABEL_FONT = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 15);
    private static final java.awt.Font TICK_FONT = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 14);
    private static final java.awt.Font VALUE_FONT = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11);
    /** The title's suffix of an indicative run. */
    static final String INDICATIVE = " (INDICATIVE)";

    private StudyCharts() {
    }

    /** File name to PNG bytes, in display order, of a run whose figures are publishable. */
    public static Map<String, byte[]> render(StudyResults results) {
        return render(results, false);
    }

    /**
     * File name to PNG bytes, in display order.
     *
     * @param indicative whether the figures are indicative only ({@code --quick}): every title says so
     */
    public static Map<String, byte[]> render(StudyResults results, boolean indicative) {
        String mark = indicative ? INDICATIVE : "";
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        Map<String, byte[]> charts = new LinkedHashMap<>();
        boolean machines = results.severalMachines();
        for (StudyResults.Group g : results.groups()) {
            DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
            for (StudyPrecision p : results.precisions()) {
                if (p == StudyPrecision.FP32_OPENBLAS) {
                    continue; // 1.0 by definition
                }
                for (String w : results.workloads()) {
                    OptionalDouble s = results.speedup(g, w, p);
                    if (s.isPresent()) {
                        add(data, s.getAsDouble(), results.speedupError(g, w, p), p.label, w);
                    }
                }
            }
            if (data.getRowCount() > 0) {
                String name = "speedup-" + slug((machines ? g.machine() + "-" : "") + g.isaShape() + "-" + g.threads() + "t") + ".png";
                charts.put(name, png(logScale(bar("Speedup over fp32 OpenBLAS: " + g.label(machines)
                        + StudyTables.trit4jKernel(results, g) + mark, "workload", "speedup (x, log scale)", data,
                        "0.0#x"), data)));
            }
        }
        for (StudyNetwork.Scope s : StudyNetwork.scopes(results)) {
            DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
            List<StudyNetwork.Column> columns = StudyNetwork.columns(results, s);
            for (StudyNetwork.Row r : StudyNetwork.rows(results, s)) {
                for (StudyNetwork.Column c : columns) {
                    StudyNetwork.find(results, s, r, c).ifPresent(m -> {
                        double ips = StudyNetwork.imagesPerSecond(m);
                        // relative error of the time per batch carries over to its reciprocal (first order)
                        data.add(ips, ips * m.microsError() / m.microsPerOp(), r.label(), c.label());
                    });
                }
            }
            if (data.getRowCount() > 0) {
                charts.put("network-" + slug((machines ? s.machine() + "-" : "") + s.isaShape()) + ".png",
                        png(bar("ResNet-18 224x224, images per second: " + s.label(machines)
                                + " (higher is faster)" + mark, "batch, threads", "images/s", data, "0.#")));
            }
        }
        List<Integer> threadCounts = results.groups().stream().map(StudyResults.Group::threads).distinct().sorted().toList();
        for (int t : threadCounts) {
            DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
            for (StudyResults.Group g : results.groups()) {
                if (g.threads() != t) {
                    continue;
                }
                String series = machines ? g.machine() + " · " + g.isaShape() : g.isaShape();
                for (StudyPrecision p : results.precisions()) {
                    OptionalDouble v = results.geomeanGmacs(g, p);
                    if (v.isPresent()) {
                        add(data, v.getAsDouble(), results.geomeanGmacsError(g, p), series, p.label);
                    }
                }
            }
            if (data.getRowCount() > 0) {
                cutErrors(data, 0);
                charts.put("throughput-" + t + "t.png", png(bar("Throughput per ISA shape, " + t
                        + (t == 1 ? " thread" : " threads") + " (geometric mean over workloads)" + mark,
                        "precision", "GMAC/s", data, "0.#")));
            }
        }
        return charts;
    }

    /**
     * A bar chart with error bars (the dataset's standard deviation column holds the 99.9% error half-width; NaN: no
     * bar), fonts large enough to read at the report's width, category labels horizontal when they fit, and value
     * labels on the bars when there are at most {@link #MAX_LABELLED_BARS}.
     */
    private static JFreeChart bar(String title, String categoryAxis, String valueAxis,
                                  DefaultStatisticalCategoryDataset data, String valueFormat) {
        JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(TITLE_FONT);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("error bars: JMH's 99.9% confidence interval", TICK_FONT));
        chart.getLegend().setItemFont(TICK_FONT);
        chart.getLegend().setPosition(org.jfree.chart.ui.RectangleEdge.BOTTOM);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        org.jfree.chart.axis.CategoryAxis domain = plot.getDomainAxis();
        domain.setLabelFont(LABEL_FONT);
        domain.setTickLabelFont(TICK_FONT);
        domain.setMaximumCategoryLabelLines(2);
        // horizontal labels while each category has room for about 12 characters, else tilted
        domain.setCategoryLabelPositions(data.getColumnCount() * 12 * 9 <= WIDTH - 150
                ? CategoryLabelPositions.STANDARD : CategoryLabelPositions.UP_45);
        plot.getRangeAxis().setLabelFont(LABEL_FONT);
        plot.getRangeAxis().setTickLabelFont(TICK_FONT);
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setErrorIndicatorStroke(new java.awt.BasicStroke(1.2f));
        renderer.setItemMargin(0.05);
        if (data.getRowCount() * data.getColumnCount() <= MAX_LABELLED_BARS) {
            renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                    new java.text.DecimalFormat(valueFormat, java.text.DecimalFormatSymbols.getInstance(Locale.ROOT))));
            renderer.setDefaultItemLabelFont(VALUE_FONT);
            renderer.setDefaultItemLabelsVisible(true);
            renderer.setDefaultPositiveItemLabelPosition(new org.jfree.chart.labels.ItemLabelPosition(
                    org.jfree.chart.labels.ItemLabelAnchor.INSIDE12, org.jfree.chart.ui.TextAnchor.TOP_CENTER));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    /**
     * Speedups span four decades (a Vector API baseline at 0.03x, binary at 200x on a
     * memory-bound layer); on a linear axis everything but the largest bar is flat. Bars
     * start at the axis' lower bound.
     */
    private static JFreeChart logScale(JFreeChart chart, DefaultStatisticalCategoryDataset data) {
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
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        plot.setRangeAxis(axis);
        ((BarRenderer) plot.getRenderer()).setBase(lower);
        // a log axis has no zero: an error bar reaching below the axis' lower bound is cut there
        cutErrors(data, lower);
        return chart;
    }

    /**
     * Cuts every error bar at {@code lower} (a throughput or a speedup is never below 0; a log axis ends above 0): the
     * bar is drawn symmetric, so its half-width becomes at most {@code value - lower}.
     */
    private static void cutErrors(DefaultStatisticalCategoryDataset data, double lower) {
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getMeanValue(r, c);
                Number e = data.getStdDevValue(r, c);
                if (v != null && e != null && v.doubleValue() - e.doubleValue() < lower) {
                    data.add(v.doubleValue(), Math.max(0, v.doubleValue() - lower), data.getRowKey(r),
                            data.getColumnKey(c));
                }
            }
        }
    }

    /** A bar and its error (none where the error is unknown). */
    private static void add(DefaultStatisticalCategoryDataset data, double value, OptionalDouble error, String series,
                            String category) {
        double e = error.orElse(Double.NaN);
        data.add(Double.valueOf(value), Double.isFinite(e) ? Double.valueOf(e) : null, series, category);
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
