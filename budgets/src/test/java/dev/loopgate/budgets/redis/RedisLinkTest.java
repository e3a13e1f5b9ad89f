package dev.loopgate.budgets.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.budgets.testkit.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisLinkTest {
    @Test
    void callsRefusedAfterRedisReturns_reconnectsNeverWaitLongerThanTheCapHoweverLongTheOutage() {
        RedisLink link = RedisLink.create(RedisEndpoint.single(TestRedis.URL));
        try {
            for (long attempt : new long[] {1, 5, 10, 20, 40, 1000}) {
                Duration delay = link.reconnectDelay(attempt);
                assertTrue(delay.compareTo(RedisLink.MAX_RECONNECT_DELAY) <= 0, "attempt " + attempt + ": " + delay);
            }
        } finally {
            link.shutdown().join();
        }
    }

    @Test
    void aSingleNodeDownRefusesAtOnceWithWhereAndWhy() {
        RedisLink link = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        try {
            Throwable failure = Await.failure(link.connect());
            String message = link.unusable("budget ledger", failure).getMessage();
            assertTrue(message.startsWith("budget ledger: cannot use Redis at 127.0.0.1:1: "), message);
        } finally {
            link.shutdown().join();
        }
    }

    @Test
    void stoppingWithRedisDown_shutdownEndsWhileItsConnectionKeepsFailing() throws Exception {
        RedisLink link = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        link.connect().handle((connected, refused) -> null).get(20, TimeUnit.SECONDS);
        link.shutdown().get(20, TimeUnit.SECONDS);
    }

    @Test
    void anAclUserAndPasswordLogIn_withoutThemRedisSaysWhy() throws Exception {
        try (LocalRedisServer redis = new LocalRedisServer()) {
            redis.start(List.of("user default off", "user loopgate on >s3cret-pass ~* &* +@all"));
            RedisLink loggedIn = RedisLink.create(RedisEndpoint.single(redis.url()).withCredentials("loopgate", "s3cret-pass"));
            RedisLink anonymous = RedisLink.create(RedisEndpoint.single(redis.url()));
            try {
                RedisConnection<String, String> connection = Await.result(loggedIn.connect());
                assertEquals("OK", connection.commands().set("k", "v").get(5, TimeUnit.SECONDS));
                connection.closeAsync();
                String refused = anonymous.unusable("rate limits", Await.failure(anonymous.connect())).getMessage();
                assertTrue(refused.startsWith("rate limits: cannot use Redis at 127.0.0.1:"), refused);
                assertFalse(refused.contains("s3cret"), refused);
            } finally {
                loggedIn.shutdown().join();
                anonymous.shutdown().join();
            }
        }
    }

    @Test
    void tlsIsCheckedAgainstTheGivenCa_anUntrustedCertificateIsRefused(@TempDir Path dir) throws Exception {
        String ca = dir.resolve("ca.pem").toString();
        String serverCert = dir.resolve("server.pem").toString();
        String serverKey = dir.resolve("server.key").toString();
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=loopgate-test-ca",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca);
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", serverKey,
                "-out", dir.resolve("server.csr").toString());
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(dir, "x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", ca, "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile",
                dir.resolve("san.ext").toString(), "-out", serverCert);
        int tlsPort = LocalRedisServer.freePort();
        try (LocalRedisServer redis = new LocalRedisServer()) {
            redis.start(List.of("tls-port " + tlsPort, "tls-cert-file " + serverCert, "tls-key-file " + serverKey,
                    "tls-ca-cert-file " + ca, "tls-auth-clients no"));
            String url = "rediss://127.0.0.1:" + tlsPort;
            RedisLink trusting = RedisLink.create(RedisEndpoint.single(url).withTlsCa(ca));
            RedisLink untrusting = RedisLink.create(RedisEndpoint.single(url));
            try {
                RedisConnection<String, String> connection = Await.result(trusting.connect());
                assertEquals("OK", connection.commands().set("tls", "yes").get(5, TimeUnit.SECONDS));
                connection.closeAsync();
                Await.failure(untrusting.connect());
            } finally {
                trusting.shutdown().join();
                untrusting.shutdown().join();
            }
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "openssl " + args[0] + ": " + out);
    }

    @Test
    void endpointsNeverShowAPasswordAndSayWhatTheyAre() {
        RedisEndpoint single = RedisEndpoint.single("rediss://app:s3cret@redis.internal:6380/0");
        assertEquals("redis.internal:6380", single.where());
        RedisEndpoint cluster = RedisEndpoint.cluster(List.of("redis://10.0.0.1:6379", "redis://10.0.0.2:6379"))
                .withCredentials("app", "s3cret");
        assertEquals("cluster 10.0.0.1:6379,10.0.0.2:6379", cluster.toString());
        RedisEndpoint sentinel = RedisEndpoint.sentinel("main", List.of("redis://10.0.0.5:26379"));
        assertEquals("sentinel master 'main' via 10.0.0.5:26379", sentinel.where());
        assertFalse((single + cluster.toString() + sentinel).contains("s3cret"));
        assertTrue(sentinel.uri().getSentinels().size() == 1 && "main".equals(sentinel.uri().getSentinelMasterId()));
    }

    @Test
    void malformedEndpointsAreRefusedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.cluster(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.sentinel(" ", List.of("redis://h:26379")));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.single("http://not-redis"));
    }
}
