package chat.operations;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Code and docs cite docs/PROTOCOL.md by section title; every title they cite is a section there, and no one cites the old SPEC. */
class ProtocolDocumentTest {

    private static final Path PROTOCOL = Path.of("docs/PROTOCOL.md");
    /** {@code docs/PROTOCOL.md, "Limits"} or {@code docs/PROTOCOL.md, "Messages" and "Delivery guarantees"}. */
    private static final Pattern CITATION = Pattern.compile("PROTOCOL\\.md,\\s+((?:\"[^\"]+\"(?:\\s*(?:and|,)\\s*)?)+)");
    private static final Pattern TITLE = Pattern.compile("\"([^\"]+)\"");

    private static List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        for (String root : List.of("src", "docs")) {
            try (Stream<Path> walk = Files.walk(Path.of(root))) {
                walk.filter(Files::isRegularFile).filter(p -> !p.startsWith("docs/bench") && !p.equals(PROTOCOL))
                        .filter(p -> p.toString().matches(".*\\.(java|js|md|yaml|html|properties|xml)$")).forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void everyCitedSectionExists() throws IOException {
        Set<String> sections = new TreeSet<>();
        for (String line : Files.readAllLines(PROTOCOL)) {
            if (line.startsWith("## ")) {
                sections.add(line.substring(3).trim());
            }
        }
        Set<String> missing = new TreeSet<>();
        int citations = 0;
        for (Path file : sources()) {
            Matcher citation = CITATION.matcher(Files.readString(file).replaceAll("\\s*\\n\\s*(?://|\\*|#)?\\s*", " "));
            while (citation.find()) {
                Matcher title = TITLE.matcher(citation.group(1));
                while (title.find()) {
                    citations++;
                    if (!sections.contains(title.group(1))) {
                        missing.add(file + ": \"" + title.group(1) + "\"");
                    }
                }
            }
        }
        assertTrue(citations > 10, "found the citations: " + citations);
        assertEquals(Set.of(), missing, "sections cited but not in " + PROTOCOL + " " + sections);
    }

    @Test
    void nothingCitesTheSpecificationByParagraph() throws IOException {
        List<String> old = new ArrayList<>();
        for (Path file : sources()) {
            if (Files.readString(file).matches("(?s).*SPEC (§|section )\\d.*")) {
                old.add(file.toString());
            }
        }
        assertEquals(List.of(), old, "cite docs/PROTOCOL.md sections instead");
    }
}
