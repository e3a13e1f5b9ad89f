package dev.loopgate.gateway.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages stay layered: the types every stage and adapter shares live in
 * {@code call} and {@code wire}, below the stages; providers, rules, guards and the audit
 * never reach up into the pipeline or the HTTP layer.
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/loopgate/gateway");
    private static final String ROOT = "dev.loopgate.gateway.";

    /** Package → the packages it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "call", List.of("pipeline", "http", "provider", "relay", "rules", "guard", "audit"),
            "wire", List.of("pipeline", "http", "provider", "relay", "call"),
            "provider", List.of("pipeline", "http", "relay"),
            "rules", List.of("pipeline", "http"),
            "guard", List.of("pipeline", "http"),
            "audit", List.of("pipeline", "http"),
            "relay", List.of("pipeline", "http"));

    @Test
    void noPackageImportsALayerAboveIt() {
        assertTrue(Files.isDirectory(SOURCES), "run from the gateway module: " + SOURCES.toAbsolutePath());
        List<String> breaches = new ArrayList<>();
        FORBIDDEN.forEach((pkg, above) -> sources(pkg).forEach(file -> imports(file).forEach(imported -> {
            for (String layer : above) {
                if (imported.startsWith(ROOT + layer + ".")) {
                    breaches.add(SOURCES.relativize(file) + " imports " + imported);
                }
            }
        })));
        assertEquals(List.of(), breaches);
    }

    @Test
    void theSharedTypesOfACallLiveInCall() {
        for (String type : List.of("Endpoint", "ParsedRequest", "RequestHeaders", "LoopIdentity", "CallRecord",
                "CallSink", "Reply")) {
            assertTrue(Files.exists(SOURCES.resolve("call").resolve(type + ".java")), type);
            assertTrue(Files.notExists(SOURCES.resolve("pipeline").resolve(type + ".java")), type);
        }
    }

    @Test
    void serverSentEventsAreFramedInOnePlace() {
        List<String> framers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String text = read(file);
                if (text.contains("int endOfEvent(") || text.contains("int[] dataPayload(")) {
                    framers.add(SOURCES.relativize(file).toString());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of(Path.of("wire", "SseEvents.java").toString()), framers);
    }

    private static List<Path> sources(String pkg) {
        try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
            return files.filter(file -> file.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> imports(Path file) {
        return read(file).lines().filter(line -> line.startsWith("import "))
                .map(line -> line.replace("import static ", "").replace("import ", "").replace(";", "").trim())
                .toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
