package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.http.Gateway;
import dev.loopgate.gateway.http.Warmup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: runs the gateway until the process is told to stop. */
@Command(name = "serve", description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final long SHUTDOWN_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gateway.yaml",
            description = "the gateway.yaml to run with (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--instances", paramLabel = "N",
            description = "server instances, one per event loop (default: one per core)")
    Integer instances;

    @Option(names = "--warmup-calls", paramLabel = "N", defaultValue = "20000",
            description = "calls sent through a private copy of the request path before listening, so the first"
                    + " real calls run compiled code; 0 skips the warm-up (default: ${DEFAULT-VALUE})")
    int warmupCalls;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "20",
            description = "the most the warm-up may take, in seconds (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig loaded;
        try {
            loaded = ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(config + ": " + e.getMessage());
            return LoopgateCli.EXIT_BAD_CONFIG;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int serving = instances == null ? cores : instances;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores).setPreferNativeTransport(true));
        Gateway gateway;
        try {
            if (warmupCalls > 0 && warmupSeconds > 0) {
                Warmup.run(vertx, serving, warmupCalls, Duration.ofSeconds(warmupSeconds))
                        .await(warmupSeconds + 30L, TimeUnit.SECONDS);
            }
            gateway = Gateway.start(vertx, loaded, serving).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            spec.commandLine().getErr().println("loopgate could not start: " + e.getMessage());
            vertx.close();
            return 1;
        }
        LOG.info("loopgate listening on {}:{} ({} providers, {} models)", loaded.server().host(), gateway.port(),
                loaded.providers().size(), loaded.models().size());
        gateway.reloadsFrom(config, System.getenv());
        ReloadSignal.install(gateway);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("loopgate stopping");
            try {
                gateway.close().eventually(vertx::close).await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
                LOG.info("loopgate stopped");
            } catch (TimeoutException e) {
                LOG.warn("loopgate did not stop within {} s; exiting anyway", SHUTDOWN_SECONDS);
            } catch (Exception e) {
                LOG.warn("loopgate did not stop cleanly: {}", e.toString());
            }
            stopped.countDown();
        }, "loopgate-shutdown"));
        stopped.await();
        return 0;
    }
}
