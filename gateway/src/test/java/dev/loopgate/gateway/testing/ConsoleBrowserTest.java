package dev.loopgate.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The browser tests' own guard: without Chromium they fail, saying what to install, rather than skip. */
class ConsoleBrowserTest {
    @Test
    void missingChromiumFailsLoudlyWithWhatToInstall() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () ->
                ConsoleBrowser.requireBrowsers(Path.of("/nonexistent/chromium"), ConsoleBrowser.CHROMEDRIVER));

        assertTrue(missing.getMessage().contains("need chromium at /nonexistent/chromium"), missing.getMessage());
        assertTrue(missing.getMessage().contains("apt-get install -y chromium chromium-driver"), missing.getMessage());
        assertTrue(missing.getMessage().contains("do not skip"), missing.getMessage());
    }

    @Test
    void missingChromedriverFailsLoudlyToo() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () ->
                ConsoleBrowser.requireBrowsers(ConsoleBrowser.CHROMIUM, Path.of("/nonexistent/chromedriver")));

        assertTrue(missing.getMessage().contains("need chromedriver at /nonexistent/chromedriver"), missing.getMessage());
    }
}
