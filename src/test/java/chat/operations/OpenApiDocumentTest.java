package chat.operations;

import chat.api.ChatApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The hand-written OpenAPI document lists exactly the operations the JAX-RS resources serve. */
class OpenApiDocumentTest {

    @Test
    void documentMatchesTheResources() throws Exception {
        JsonNode doc;
        try (InputStream in = OpenApiServlet.class.getResourceAsStream(OpenApiServlet.DOCUMENT)) {
            assertNotNull(in, "openapi.yaml is packaged");
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(verb -> {
            if (path.getKey().startsWith("/api/")) {
                documented.add(verb.toUpperCase(Locale.ROOT) + " " + normalize(path.getKey()));
            }
        }));
        assertEquals(served(), documented);
    }

    /** "GET /api/room/{}/messages" for every resource method found in the compiled classes. */
    static Set<String> served() throws IOException, ClassNotFoundException {
        String base = "/" + ChatApplication.class.getAnnotation(ApplicationPath.class).value().replaceAll("^/|/$", "");
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        Set<String> operations = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiDocumentTest.class.getClassLoader());
                Path classPath = type.getAnnotation(Path.class);
                if (classPath == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    for (Annotation annotation : method.getAnnotations()) {
                        HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
                        if (verb != null) {
                            Path methodPath = method.getAnnotation(Path.class);
                            String path = base + join(classPath.value(), methodPath == null ? "" : methodPath.value());
                            operations.add(verb.value() + " " + normalize(path));
                        }
                    }
                }
            }
        }
        return operations;
    }

    private static String join(String a, String b) {
        String path = ("/" + a + "/" + b).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String normalize(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }
}
