package dev.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app's stylesheet for the hosted pages; HostedPagesTest checks that pages link it and serve it. */
class AppPagesTest {
    @Test
    void an_app_without_texts_or_style_shares_the_built_in_pages(@TempDir Path appDir) {
        List<String> problems = new ArrayList<>();
        assertThat(AppPages.load(appDir, problems)).isSameAs(AppPages.BUILT_IN);
        assertThat(AppPages.load(null, problems)).isSameAs(AppPages.BUILT_IN);
        assertThat(problems).isEmpty();
    }

    @Test
    void a_stylesheet_is_read_once_and_kept_as_written(@TempDir Path appDir) throws IOException {
        Files.writeString(appDir.resolve(AppPages.STYLE_FILE), "main { max-width: 30rem; }\n");
        List<String> problems = new ArrayList<>();
        AppPages pages = AppPages.load(appDir, problems);
        assertThat(problems).isEmpty();
        assertThat(new String(pages.style())).isEqualTo("main { max-width: 30rem; }\n");
        assertThat(pages.texts()).isSameAs(PageTexts.BUILT_IN);
    }

    @Test
    void an_oversized_stylesheet_or_a_directory_in_its_place_is_a_problem(@TempDir Path dir) throws IOException {
        Path big = Files.createDirectories(dir.resolve("big"));
        Files.write(big.resolve(AppPages.STYLE_FILE), new byte[AppPages.MAX_STYLE_BYTES + 1]);
        Path folder = Files.createDirectories(dir.resolve("folder").resolve(AppPages.STYLE_FILE));
        List<String> problems = new ArrayList<>();
        assertThat(AppPages.load(big, problems).style()).isNull();
        assertThat(AppPages.load(folder.getParent(), problems).style()).isNull();
        assertThat(problems).containsExactly("page_style.css: must be a file of at most 64 KiB",
                "page_style.css: must be a file of at most 64 KiB");
    }
}
