package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DrawingTest {
    @Test
    void thePngHoldsTheDrawnPixelsWithAPaletteOfTheirColours() throws Exception {
        List<Timeline.Bar> bars = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            long start = i / 200 * 105 + i % 7;
            bars.add(new Timeline.Bar(i, start, start + 100 + i % 13, i % 97 == 0 ? "failed" : "ok"));
        }
        Drawing drawing = new Timeline(bars, 2000).drawing();
        BufferedImage drawn = drawing.image();

        BufferedImage png = ImageIO.read(new ByteArrayInputStream(drawing.pngBytes()));

        assertInstanceOf(IndexColorModel.class, png.getColorModel(), "a chart's few colours go in a palette");
        assertEquals(drawn.getWidth(), png.getWidth());
        assertEquals(drawn.getHeight(), png.getHeight());
        for (int y = 0; y < drawn.getHeight(); y++) {
            for (int x = 0; x < drawn.getWidth(); x++) {
                if (drawn.getRGB(x, y) != png.getRGB(x, y)) {
                    throw new AssertionError("pixel " + x + "," + y + ": drawn " + Integer.toHexString(drawn.getRGB(x, y))
                            + ", in the PNG " + Integer.toHexString(png.getRGB(x, y)));
                }
            }
        }
    }

    @Test
    void anImageOfMoreThan256ColoursKeepsItsRgbPixels() throws Exception {
        BufferedImage many = new BufferedImage(32, 9, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 32 * 9; i++) {
            many.setRGB(i % 32, i / 32, i * 0x010203);
        }
        assertNull(Drawing.withPalette(many));
        assertNull(Drawing.withPalette(new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB)), "alpha would be lost");
        assertNull(Drawing.withPalette(many.getSubimage(0, 0, 4, 4)), "a sub-image shares its parent's pixels");

        BufferedImage few = new BufferedImage(32, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 32 * 8; i++) {
            few.setRGB(i % 32, i / 32, i * 0x010203);
        }
        BufferedImage palette = Drawing.withPalette(few);
        assertNotNull(palette, "256 colours fit");
        assertEquals(256, ((IndexColorModel) palette.getColorModel()).getMapSize());
        for (int i = 0; i < 32 * 8; i++) {
            assertEquals(few.getRGB(i % 32, i / 32), palette.getRGB(i % 32, i / 32));
        }
    }
}
