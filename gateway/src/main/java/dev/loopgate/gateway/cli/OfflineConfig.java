package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.RulesException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the offline commands (rules, report, audit) share: the config they read for tiers,
 * prices and the audit store — without its secrets — and one way to end on bad input.
 */
final class OfflineConfig {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gateway.yaml",
            description = "the gateway.yaml to read (default: ${DEFAULT-VALUE}); secrets it references need not be set")
    Path config;

    GatewayConfig load() {
        return ConfigLoader.load(config, new OfflineEnvironment(System.getenv()));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Runs a command body; bad config, rules or input end it with exit 2 and the problems. */
    int run(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (ConfigException e) {
            err().println(config + ": " + e.getMessage());
        } catch (RulesException e) {
            err().println(e.getMessage());
        } catch (GatewayException | IllegalArgumentException e) {
            err().println("invalid input: " + e.getMessage());
        } catch (IOException e) {
            err().println("cannot read input: " + e.getMessage());
        }
        return LoopgateCli.EXIT_BAD_CONFIG;
    }
}
