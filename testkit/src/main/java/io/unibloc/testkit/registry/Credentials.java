package io.unibloc.testkit.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password for HTTP basic auth against a test registry.
 *
 * <p>{@link #toString()} never shows the password, so a record that ends up in a log or an assertion message does
 * not leak it.
 */
public record Credentials(String user, String password) {

    public Credentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException("basic-auth user '" + user + "' must be non-empty and contain no ':'");
        }
    }

    /** The value of an {@code Authorization} header: {@code Basic base64(user:password)}. */
    public String authorizationHeader() {
        String pair = user + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=***]";
    }
}
