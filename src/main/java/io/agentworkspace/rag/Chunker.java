package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a text file into chunks of whole lines that overlap by a few lines. Where it can, a chunk ends at a natural
 * boundary inside the second half of its window: before a blank line or before a line that opens a top-level
 * declaration or heading (cheap, language-agnostic cues), so a function rarely straddles two chunks. Lines longer
 * than the character limit are cut into pieces that keep their line number.
 */
final class Chunker {

    record Chunk(int startLine, int endLine, String text) {
    }

    private static final Pattern DECLARATION = Pattern.compile(
            "^(?:(?:public|private|protected|internal|export|static|abstract|final|async|pub|default)\\s+)*"
                    + "(?:class|interface|enum|record|struct|trait|impl|def|func|fn|function|fun|module|object|"
                    + "type|const|let|var|val|package|namespace|@\\w+)\\b.*"
                    + "|^#{1,6}\\s.*|^(?:---|===)\\s*$");

    private final int maxLines;
    private final int overlap;
    private final int maxChars;

    Chunker(int maxLines, int overlap, int maxChars) {
        if (maxLines < 2 || overlap < 0 || overlap >= maxLines || maxChars < 80) {
            throw new IllegalArgumentException("chunking needs lines >= 2, 0 <= overlap < lines, max-chars >= 80");
        }
        this.maxLines = maxLines;
        this.overlap = overlap;
        this.maxChars = maxChars;
    }

    List<Chunk> chunk(String text) {
        List<String> lines = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        int count = raw.length > 0 && raw[raw.length - 1].isEmpty() ? raw.length - 1 : raw.length;
        for (int i = 0; i < count; i++) {
            String line = raw[i];
            for (int from = 0; from == 0 || from < line.length(); from += maxChars) {
                lines.add(line.substring(from, Math.min(line.length(), from + maxChars)));
                numbers.add(i + 1);
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        int n = lines.size();
        int start = 0;
        while (start < n) {
            int end = start;
            int chars = 0;
            while (end < n && end - start < maxLines && (end == start || chars + lines.get(end).length() + 1 <= maxChars)) {
                chars += lines.get(end).length() + 1;
                end++;
            }
            if (end < n) {
                end = naturalEnd(lines, start, end);
            }
            StringBuilder chunk = new StringBuilder(chars);
            boolean blank = true;
            for (int i = start; i < end; i++) {
                if (i > start) {
                    chunk.append('\n');
                }
                chunk.append(lines.get(i));
                blank &= lines.get(i).isBlank();
            }
            if (!blank) {
                chunks.add(new Chunk(numbers.get(start), numbers.get(end - 1), chunk.toString()));
            }
            if (end >= n) {
                break;
            }
            start = Math.max(end - overlap, start + 1);
        }
        return chunks;
    }

    /** The last boundary in the second half of the window {@code [start, end)}, or {@code end} if there is none. */
    private int naturalEnd(List<String> lines, int start, int end) {
        int earliest = start + Math.max(1, (end - start) / 2);
        for (int cut = end; cut > earliest; cut--) {
            String next = lines.get(cut);
            String last = lines.get(cut - 1);
            if (last.isBlank() || (!next.isBlank() && !Character.isWhitespace(next.charAt(0))
                    && DECLARATION.matcher(next).matches())) {
                return cut;
            }
        }
        return end;
    }
}
