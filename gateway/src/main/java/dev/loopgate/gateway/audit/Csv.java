package dev.loopgate.gateway.audit;

import java.util.List;

/**
 * RFC 4180 CSV that opens cleanly in a spreadsheet: CRLF line ends, fields with a comma,
 * quote or line break quoted (quotes doubled), and text that a spreadsheet would run as a
 * formula ({@code = + - @}, tab, CR at the start) prefixed with an apostrophe.
 */
public final class Csv {
    private final StringBuilder out = new StringBuilder();

    public Csv row(List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            field(fields.get(i));
        }
        out.append("\r\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void field(String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        String text = startsLikeFormula(value) ? "'" + value : value;
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        if (!quote) {
            out.append(text);
            return;
        }
        out.append('"').append(text.replace("\"", "\"\"")).append('"');
    }

    /** Numbers (a leading minus included) are data, not formulas. */
    private static boolean startsLikeFormula(String value) {
        char first = value.charAt(0);
        if (first == '-' && value.length() > 1 && (Character.isDigit(value.charAt(1)) || value.charAt(1) == '.')) {
            return false;
        }
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    }
}
