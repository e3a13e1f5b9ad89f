package dev.loopgate.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the jar: {@code serve}, {@code config check}, {@code demo}. */
@Command(
        name = "loopgate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Multi-tier model gateway and loop proxy.",
        subcommands = {ServeCommand.class, ReloadCommand.class, ConfigCommand.class, RulesCommand.class, ReportCommand.class,
            AuditCommand.class, DemoCommand.class})
public final class LoopgateCli {
    /** Exit code for a configuration that cannot start the gateway. */
    public static final int EXIT_BAD_CONFIG = 2;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        return new CommandLine(new LoopgateCli());
    }
}
