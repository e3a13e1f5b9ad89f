package dev.loopgate.gateway.config.internal;

import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawKeyConfig;
import dev.loopgate.rules.Glob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks {@code keys:}; part of {@link ConfigValidator}. A raw {@code key} is hashed at
 * once and never kept: only its SHA-256 leaves this class.
 */
final class KeyValidator {
    static final int MIN_KEY_LENGTH = 16;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String ROLES = Arrays.stream(Role.values())
            .map(Role::wireName).collect(Collectors.joining(", "));

    private final Problems problems;
    private final Map<String, String> pathByName = new HashMap<>();
    private final Map<String, String> pathByHash = new HashMap<>();

    KeyValidator(Problems problems) {
        this.problems = problems;
    }

    List<KeyConfig> validate(List<RawKeyConfig> raw) {
        List<KeyConfig> keys = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            problems.add("keys", "at least one key is required");
            return keys;
        }
        for (int i = 0; i < raw.size(); i++) {
            KeyConfig key = key(raw.get(i), Problems.index("keys", i));
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private KeyConfig key(RawKeyConfig raw, String path) {
        if (raw == null) {
            problems.add(path, "must not be empty (needs name, role and key or sha256)");
            return null;
        }
        String name = name(raw.name(), path);
        Role role = role(raw.role(), Problems.field(path, "role"));
        byte[] hash = hash(raw, path);
        List<Glob> loops = loops(raw.loops(), role, Problems.field(path, "loops"));
        if (name == null || role == null || hash == null || loops == null) {
            return null;
        }
        return new KeyConfig(name, role, hash, loops);
    }

    private String name(String name, String keyPath) {
        String path = Problems.field(keyPath, "name");
        if (name == null || name.isBlank()) {
            problems.add(path, "required");
            return null;
        }
        // Names go into store keys (as a hash tag) and audit rows: printable, no braces.
        if (!KeyConfig.isValidName(name)) {
            problems.add(path, KeyConfig.NAME_RULE);
            return null;
        }
        String first = pathByName.putIfAbsent(name, keyPath);
        if (first != null) {
            problems.add(path, "duplicate name '" + name + "' (also " + first + ")");
            return null;
        }
        return name;
    }

    private Role role(String raw, String path) {
        if (raw == null || raw.isBlank()) {
            problems.add(path, "required (one of: " + ROLES + ")");
            return null;
        }
        for (Role role : Role.values()) {
            if (role.wireName().equals(raw)) {
                return role;
            }
        }
        problems.add(path, "unknown role '" + raw + "' (one of: " + ROLES + ")");
        return null;
    }

    private byte[] hash(RawKeyConfig raw, String path) {
        if (raw.key() == null && raw.sha256() == null) {
            problems.add(path, "needs one of key or sha256");
            return null;
        }
        if (raw.key() != null && raw.sha256() != null) {
            problems.add(path, "set key or sha256, not both");
            return null;
        }
        String fieldPath;
        byte[] hash;
        if (raw.key() != null) {
            fieldPath = Problems.field(path, "key");
            if (raw.key().length() < MIN_KEY_LENGTH) {
                problems.add(fieldPath, "must be at least " + MIN_KEY_LENGTH + " characters long");
                return null;
            }
            hash = sha256(raw.key());
        } else {
            fieldPath = Problems.field(path, "sha256");
            if (!SHA256_HEX.matcher(raw.sha256()).matches()) {
                problems.add(fieldPath, "must be 64 hexadecimal characters (a SHA-256 digest)");
                return null;
            }
            hash = HexFormat.of().parseHex(raw.sha256());
        }
        String first = pathByHash.putIfAbsent(HexFormat.of().formatHex(hash), path);
        if (first != null) {
            problems.add(fieldPath, "same key as " + first);
            return null;
        }
        return hash;
    }

    private List<Glob> loops(List<String> raw, Role role, String path) {
        if (raw == null) {
            return List.of();
        }
        if (role != null && role != Role.LOOP) {
            problems.add(path, "only allowed for role loop");
            return null;
        }
        if (raw.isEmpty()) {
            problems.add(path, "must list at least one loop pattern (leave it out to allow any loop)");
            return null;
        }
        List<Glob> loops = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String pattern = raw.get(i);
            if (pattern == null || pattern.isBlank()) {
                problems.add(Problems.index(path, i), "must not be empty");
            } else {
                loops.add(Glob.compile(pattern));
            }
        }
        return loops.size() == raw.size() ? loops : null;
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
