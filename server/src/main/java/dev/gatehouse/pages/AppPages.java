package dev.gatehouse.pages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What one app changes about the hosted pages: its texts ({@link PageTexts#load}, {@code page_texts/})
 * and a stylesheet of its own, {@code page_style.css} in its export directory, linked after the
 * built-in one so that it only needs the rules it changes. The pages' Content-Security-Policy still
 * applies (no script; images, fonts and anything else from outside blocked), so a stylesheet can
 * restyle a page but not load from, or report to, anywhere.
 *
 * @param style the app's stylesheet, or null for none
 */
public record AppPages(PageTexts texts, byte[] style) {
    public static final String STYLE_FILE = "page_style.css";
    /** Larger is a mistake (a bundle, an image inlined), not a stylesheet for four small pages. */
    static final int MAX_STYLE_BYTES = 64 * 1024;
    static final AppPages BUILT_IN = new AppPages(PageTexts.BUILT_IN, null);

    /** The app's texts and stylesheet; every problem found is added to {@code problems}. */
    public static AppPages load(Path appDir, List<String> problems) {
        PageTexts texts = PageTexts.load(appDir, problems);
        Path file = appDir == null ? null : appDir.resolve(STYLE_FILE);
        if (file == null || !Files.exists(file)) {
            return texts == PageTexts.BUILT_IN ? BUILT_IN : new AppPages(texts, null);
        }
        try {
            long size = Files.size(file);
            if (!Files.isRegularFile(file) || size > MAX_STYLE_BYTES) {
                problems.add(STYLE_FILE + ": must be a file of at most " + MAX_STYLE_BYTES / 1024 + " KiB");
                return new AppPages(texts, null);
            }
            return new AppPages(texts, Files.readAllBytes(file));
        } catch (IOException e) {
            problems.add(STYLE_FILE + ": cannot read: " + e.getMessage());
            return new AppPages(texts, null);
        }
    }
}
