package dev.loopgate.gateway.guard;

import dev.loopgate.gateway.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook delivery as Stripe does: {@code Loopgate-Signature: t=<unix seconds>,v1=<hex>},
 * where the hex is HMAC-SHA256 with the configured secret over {@code "<t>.<body>"}. The
 * timestamp is in what is signed, so a receiver that refuses old timestamps refuses replays;
 * each attempt of a delivery is signed at its own time. Verification: docs/budgets.md.
 */
public final class WebhookSignature {
    public static final String HEADER = "Loopgate-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(Secret secret) {
        this.key = new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The header value for {@code body} sent at {@code epochSeconds}. */
    public String sign(byte[] body, long epochSeconds) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HMAC-SHA256", e);
        }
    }
}
