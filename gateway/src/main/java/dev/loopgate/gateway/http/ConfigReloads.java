package dev.loopgate.gateway.http;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * How a running gateway reads its config file again ({@code POST /admin/config/reload},
 * {@code SIGHUP}, {@code loopgate reload}). A gateway started from a file is given the way to
 * read it once it is up; one started from a config in memory (tests, the demo) has none.
 */
public final class ConfigReloads {
    private volatile Function<String, Future<ReloadReport>> reloader;

    /** Re-reads and applies the file; {@code by} names who asked, for the audit. */
    public Future<ReloadReport> reload(String by) {
        Function<String, Future<ReloadReport>> current = reloader;
        if (current == null) {
            return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST,
                    "This gateway was not started from a config file, so there is nothing to reload."));
        }
        return current.apply(by);
    }

    void use(Function<String, Future<ReloadReport>> reloader) {
        this.reloader = reloader;
    }
}
