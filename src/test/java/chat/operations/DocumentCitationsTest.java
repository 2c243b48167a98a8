package chat.operations;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code and docs cite the other documents by section title too ({@code docs/OPERATIONS.md, "Redis Sentinel and Cluster"},
 * {@code docs/bench/ROUND-4-NOTES.md, "A node's first minute"}): every cited title begins a heading of that document
 * (headings may go on with a number before or a date after). docs/PROTOCOL.md has its own, stricter test.
 */
class DocumentCitationsTest {

    private static final Map<String, Path> DOCUMENTS = Map.of(
            "OPERATIONS.md", Path.of("docs/OPERATIONS.md"),
            "PERFORMANCE.md", Path.of("docs/PERFORMANCE.md"),
            "RELIABILITY.md", Path.of("docs/RELIABILITY.md"),
            "SECURITY.md", Path.of("docs/SECURITY.md"),
            "ROUND-4-NOTES.md", Path.of("docs/bench/ROUND-4-NOTES.md"));
    private static final Pattern CITATION = Pattern.compile(
            "(" + DOCUMENTS.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|")) + "),\\s+\"([^\"]+)\"");
    private static final Pattern NUMBERED = Pattern.compile("^\\d+\\.\\s+");

    @Test
    void everyCitedSectionBeginsAHeadingOfItsDocument() throws IOException {
        Set<String> missing = new TreeSet<>();
        int citations = 0;
        for (Path file : sources()) {
            Matcher citation = CITATION.matcher(Files.readString(file).replaceAll("\\s*\\n\\s*(?://|\\*|#)?\\s*", " "));
            while (citation.find()) {
                citations++;
                String title = citation.group(2);
                if (headings(DOCUMENTS.get(citation.group(1))).stream().noneMatch(h -> h.startsWith(title))) {
                    missing.add(file + ": " + citation.group(1) + ", \"" + title + "\"");
                }
            }
        }
        assertTrue(citations > 5, "found the citations: " + citations);
        assertEquals(Set.of(), missing, "cited sections that no heading begins with");
    }

    private static List<String> headings(Path document) throws IOException {
        return Files.readAllLines(document).stream().filter(l -> l.startsWith("#"))
                .map(l -> NUMBERED.matcher(l.replaceFirst("^#+\\s*", "")).replaceFirst("")).toList();
    }

    private static List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        for (String root : List.of("src", "docs", "payara")) {
            try (Stream<Path> walk = Files.walk(Path.of(root))) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(java|js|md|yaml|html|properties|xml|asadmin|compile|sh)$"))
                        .forEach(files::add);
            }
        }
        return files;
    }
}
