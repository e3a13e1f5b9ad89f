package dev.loopgate.gateway.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = LoopgateCli.class.getPackage().getImplementationVersion();
        return new String[] {"loopgate " + (version == null ? "dev" : version)};
    }
}
