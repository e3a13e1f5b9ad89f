package dev.loopgate.gateway.config;

import dev.loopgate.gateway.config.internal.ConfigReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code gateway.yaml}: YAML text in, a validated {@link GatewayConfig} out.
 * {@code ${VAR}} references are resolved from the given environment. A bad file is a
 * {@link ConfigException} that lists every problem found, each prefixed by its path,
 * e.g. {@code tiers.mid[1]: unknown model 'gpt-x'}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file, Map<String, String> env) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(file + ": no such file"));
        } catch (MalformedInputException e) {
            throw new ConfigException(List.of(file + ": not UTF-8 text"));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"));
        }
        return parse(yaml, env);
    }

    public static GatewayConfig parse(String yaml, Map<String, String> env) {
        return ConfigReader.read(yaml, env);
    }
}
