package dev.loopgate.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "build-*, build-7, true",
        "build-*, build-, true",
        "build-*, rebuild-7, false",
        "*-nightly, a-nightly, true",
        "*-nightly, a-nightly-2, false",
        "a*b*c, abc, true",
        "a*b*c, axxbyyc, true",
        "a*b*c, axxbyy, false",
        "a?c, abc, true",
        "a?c, ac, false",
        "*, anything, true",
        "exact, exact, true",
        "exact, exactly, false",
        "**x, x, true",
    })
    void matchesLikeAShellPattern(String pattern, String text, boolean expected) {
        assertEquals(expected, Glob.compile(pattern).matches(text));
    }

    @Test
    void literalPatternsAreRecognised() {
        assertTrue(Glob.compile("loop-1").isLiteral());
        assertFalse(Glob.compile("loop-*").isLiteral());
        assertFalse(Glob.compile("loop-?").isLiteral());
    }

    @Test
    void emptyPatternIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Glob.compile(""));
    }
}
