package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.http.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code kill -HUP <pid>}: the running gateway reads gateway.yaml again, as {@code loopgate reload} asks it to. */
final class ReloadSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);
    static final String ACTOR = "SIGHUP";

    private ReloadSignal() {
    }

    static void install(Gateway gateway) {
        try {
            Signal.handle(new Signal("HUP"), signal -> gateway.reloadFile(ACTOR).onComplete(done -> {
                if (done.failed()) {
                    Throwable cause = done.cause();
                    LOG.error("SIGHUP: gateway.yaml was not reloaded, the running config stays: {}",
                            cause instanceof ConfigException invalid ? String.join("; ", invalid.problems())
                                    : cause.getMessage());
                }
            }));
        } catch (IllegalArgumentException unsupported) {
            LOG.info("this platform has no SIGHUP; reload with loopgate reload or POST /admin/config/reload");
        }
    }
}
