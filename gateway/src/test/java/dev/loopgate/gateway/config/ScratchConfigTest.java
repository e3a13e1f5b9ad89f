package dev.loopgate.gateway.config;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchConfigTest {
    static final String BASE = """
            server: { port: 8080 }
            providers:
              openai: { type: openai, base_url: "https://api.openai.com/v1/", api_key: "${K}" }
            models:
              small: { provider: openai, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
            tiers: { mid: [small] }
            keys:
              - { name: a, role: loop, key: "0123456789abcdef" }
            """;

    void show(String yaml) {
        try {
            System.out.println("OK " + ConfigLoader.parse(yaml, Map.of("K", "secret")));
        } catch (ConfigException e) {
            System.out.println(e.getMessage());
        }
        System.out.println("----");
    }

    @Test
    void scratch() {
        show(BASE.replace("port: 8080", "port: 99999999999"));
        show(BASE.replace("port: 8080", "port: \"\""));
        show(BASE.replace("server: { port: 8080 }", "server:\n  port: ${NOPE}\n  max_body_bytes: 1.5"));
        show(BASE.replace("server: { port: 8080 }", "server:\n  port: ${K}"));
        show(BASE.replace("input: 0.4", "input: \"\""));
        show(BASE.replace("input: 0.4", "input: 1e400"));
        show(BASE.replace("input: 0.4", "input: .nan"));
        show(BASE.replace("providers:", "providers: [1]\nold:"));
        show(BASE.replace("models:", "models: 3\nold:"));
        show(BASE.replace("0123456789abcdef", "\"x${A}y${B}z\""));
        show(BASE.replace("openai, name", "openai, name: ~, nam"));
        show(BASE.replace("{ name: a, role: loop, key: \"0123456789abcdef\" }", "{ name: a, role: finance, key: short, loops: [\"\", ~] }"));
        show(BASE.replace("api_key: \"${K}\" }", "api_key: \"${K}\", headers: { Authorization: x, \"Bad H\": y, X-A: ~, x-a: 1, X-B: \"a\\nb\" }, latency: 5ms, timeouts: {connect: 0s, idle: 5 parsecs, total: 1m30s, x: 1} }"));
    }
}
