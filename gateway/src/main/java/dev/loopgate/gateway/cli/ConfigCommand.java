package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code config check FILE}: validates a configuration without starting anything. */
@Command(name = "config", description = "Work with gateway.yaml.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", description = "Validate a config file; exit 2 and list every problem when it is bad.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the gateway.yaml to check")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                GatewayConfig config = ConfigLoader.load(file, System.getenv());
                out.printf("%s: ok (%d providers, %d models, tiers %s, %d keys)%n", file,
                        config.providers().size(), config.models().size(),
                        String.join("/", config.tiers().tiers().keySet()), config.keys().size());
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                return LoopgateCli.EXIT_BAD_CONFIG;
            }
        }
    }
}
