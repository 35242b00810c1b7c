package dev.chorus.magics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A chart made of boxes, lines and labels, written as SVG or drawn as PNG with Java2D (headless),
 * so that the same picture reaches front ends that show SVG and those that only show images (an
 * untrusted notebook drops SVG).
 *
 * <p>Not thread-safe while being built; {@link #svg} and {@link #png} may be called from any thread
 * once it is.
 */
final class Drawing {
    /** Pixels of the PNG per unit of the drawing: sharp on high-density screens. */
    static final int PNG_SCALE = 2;

    /** Where a label sits relative to its x. */
    enum Anchor { START, MIDDLE, END }

    private sealed interface Shape permits Box, Line, Label {
    }

    /** A filled rectangle with an optional outline and tooltip. */
    private record Box(double x, double y, double w, double h, String fill, String stroke, String title)
            implements Shape {
    }

    private record Line(double x1, double y1, double x2, double y2, String colour) implements Shape {
    }

    private record Label(double x, double y, String text, Anchor anchor, int size, String colour) implements Shape {
    }

    private final int width;
    private final int height;
    private final List<Shape> shapes = new ArrayList<>();

    Drawing(int width, int height) {
        this.width = width;
        this.height = height;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** A rectangle; {@code stroke} and {@code title} may be null. */
    Drawing box(double x, double y, double w, double h, String fill, String stroke, String title) {
        shapes.add(new Box(x, y, w, h, fill, stroke, title));
        return this;
    }

    /** A one-pixel line. */
    Drawing line(double x1, double y1, double x2, double y2, String colour) {
        shapes.add(new Line(x1, y1, x2, y2, colour));
        return this;
    }

    /** Text whose baseline is at {@code y}. */
    Drawing label(double x, double y, String text, Anchor anchor, int size, String colour) {
        shapes.add(new Label(x, y, text, anchor, size, colour));
        return this;
    }

    /** The drawing as an SVG document; {@code title} names it for screen readers and tooltips. */
    String svg(String title) {
        StringBuilder b = new StringBuilder(512 + shapes.size() * 96);
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"DejaVu Sans, Verdana, sans-serif\">", width, height, width, height));
        b.append("<title>").append(Html.escape(title)).append("</title>");
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", width, height));
        for (Shape s : shapes) {
            switch (s) {
                case Box r -> {
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"",
                            r.x(), r.y(), r.w(), r.h(), r.fill()));
                    if (r.stroke() != null) {
                        b.append(" stroke=\"").append(r.stroke()).append('"');
                    }
                    if (r.title() == null) {
                        b.append("/>");
                    } else {
                        b.append("><title>").append(Html.escape(r.title())).append("</title></rect>");
                    }
                }
                case Line l -> b.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                        l.x1(), l.y1(), l.x2(), l.y2(), l.colour()));
                case Label t -> b.append(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\"%s>%s</text>", t.x(), t.y(), t.size(),
                        t.colour(), switch (t.anchor()) {
                            case START -> "";
                            case MIDDLE -> " text-anchor=\"middle\"";
                            case END -> " text-anchor=\"end\"";
                        }, Html.escape(t.text())));
            }
        }
        return b.append("</svg>").toString();
    }

    /**
     * The drawing as a PNG of {@value #PNG_SCALE}× its size, base64-encoded as Jupyter carries
     * images, or null when this JVM cannot draw (no fonts or no font library: the SVG still shows).
     */
    String png() {
        try {
            return Base64.getEncoder().encodeToString(pngBytes());
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    byte[] pngBytes() throws IOException {
        BufferedImage image = image();
        BufferedImage palette = withPalette(image);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        if (!ImageIO.write(palette != null ? palette : image, "png", out)) {
            throw new IOException("no PNG writer in this JVM");
        }
        return out.toByteArray();
    }

    /** The drawing in pixels, {@value #PNG_SCALE}× its size. */
    BufferedImage image() {
        BufferedImage image = new BufferedImage(width * PNG_SCALE, height * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.scale(PNG_SCALE, PNG_SCALE);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setStroke(new BasicStroke(1f));
            for (Shape s : shapes) {
                switch (s) {
                    case Box r -> {
                        Rectangle2D.Double rect = new Rectangle2D.Double(r.x(), r.y(), r.w(), r.h());
                        g.setColor(colour(r.fill()));
                        g.fill(rect);
                        if (r.stroke() != null) {
                            g.setColor(colour(r.stroke()));
                            g.draw(rect);
                        }
                    }
                    case Line l -> {
                        g.setColor(colour(l.colour()));
                        g.draw(new Line2D.Double(l.x1(), l.y1(), l.x2(), l.y2()));
                    }
                    case Label t -> {
                        g.setFont(font(t.size()));
                        g.setColor(colour(t.colour()));
                        FontMetrics m = g.getFontMetrics();
                        float w = (float) m.getStringBounds(t.text(), g).getWidth();
                        float x = (float) t.x() - switch (t.anchor()) {
                            case START -> 0f;
                            case MIDDLE -> w / 2;
                            case END -> w;
                        };
                        g.drawString(t.text(), x, (float) t.y());
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The same pixels as an image of one byte per pixel and a palette of the colours it uses, or
     * null above 256 colours. A chart has few: its fills, lines, and the greys of anti-aliased text
     * (dark grey text on white or near-white; a timeline of all five statuses used 224). Coloured
     * text, or text over a bar, would add blends: past 256 the PNG is written as RGB, as before.
     * Lossless, and the PNG writer filters and compresses a third of the bytes: a 2,000-request
     * timeline (1520 × 800 px) took 13 ms instead of 22–24 warm, and 15 KB instead of 34.
     */
    static BufferedImage withPalette(BufferedImage rgb) {
        if (rgb.getType() != BufferedImage.TYPE_INT_RGB || rgb.getRaster().getParent() != null) {
            return null; // reads the pixels of a whole TYPE_INT_RGB image, as image() draws
        }
        int[] pixels = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        byte[] indices = new byte[pixels.length];
        Map<Integer, Integer> index = new HashMap<>();
        int[] colours = new int[256];
        int last = -1;
        int lastIndex = 0;
        for (int i = 0; i < pixels.length; i++) {
            int c = pixels[i] & 0xffffff;
            if (c != last) {
                Integer k = index.get(c);
                if (k == null) {
                    if (index.size() == colours.length) {
                        return null;
                    }
                    k = index.size();
                    colours[k] = c;
                    index.put(c, k);
                }
                last = c;
                lastIndex = k;
            }
            indices[i] = (byte) lastIndex;
        }
        int n = index.size();
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (colours[i] >> 16);
            g[i] = (byte) (colours[i] >> 8);
            b[i] = (byte) colours[i];
        }
        int w = rgb.getWidth();
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(indices, indices.length), w,
                rgb.getHeight(), w, 1, new int[] {0}, null);
        return new BufferedImage(new IndexColorModel(8, n, r, g, b), raster, false, null);
    }

    private static Font font(int size) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, size);
    }

    /** {@code #rrggbb} as a colour. */
    private static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }

    /**
     * Draws a small chart once, so that Java2D's start (classes, fonts through fontconfig, the PNG
     * writer: about 0.2 s in a fresh JVM) is not paid by the first chart a cell shows.
     */
    static void warmUp() {
        new Drawing(40, 20).box(2, 2, 10, 10, "#2e7d32", "#dddddd", null)
                .label(20, 14, "0 s", Anchor.MIDDLE, 11, "#444444").png();
    }
}
