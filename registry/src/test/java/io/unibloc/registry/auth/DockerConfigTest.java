package io.unibloc.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAuthFieldUsernamePasswordAndIdentityToken() {
        String json = """
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "127.0.0.1:5000": {"username": "bob", "password": "pw:with:colons"},
                  "http://reg.example:8443/some/path": {"identitytoken": "tok"},
                  "empty.example": {}
                }}""".formatted(b64("alice:s3cret"));
        RegistryCredentials creds = DockerConfig.parse(json);
        assertThat(creds.forRegistry("docker.io")).contains(new RegistryCredentials.Login("alice", "s3cret"));
        assertThat(creds.forRegistry("127.0.0.1:5000"))
                .contains(new RegistryCredentials.Login("bob", "pw:with:colons"));
        assertThat(creds.forRegistry("reg.example:8443")).contains(new RegistryCredentials.Login("<token>", "tok"));
        assertThat(creds.forRegistry("empty.example")).isEmpty();
        assertThat(creds.toString()).doesNotContain("s3cret").doesNotContain("pw:with");
    }

    @Test
    void readsLegacyDockercfg() {
        RegistryCredentials creds = DockerConfig.parse("{\"quay.io\": {\"auth\": \"" + b64("u:p") + "\"}}");
        assertThat(creds.forRegistry("quay.io")).contains(new RegistryCredentials.Login("u", "p"));
    }

    @Test
    void rejectsBrokenInputWithoutLeakingSecrets() {
        assertThatThrownBy(() -> DockerConfig.parse("{\"auths\": {\"r\": {\"auth\": \"%%%secret\"}}}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("'r'").doesNotContain("secret");
                });
        assertThatThrownBy(() -> DockerConfig.parse("{\"auths\": {\"r\": {\"auth\": \"" + b64("nocolon") + "\"}}}"))
                .hasMessageContaining("user:password");
        assertThatThrownBy(() -> DockerConfig.parse("not json")).hasMessageContaining("not valid JSON");
    }

    @Test
    void missingFileMeansNoCredentials(@TempDir Path dir) throws Exception {
        assertThat(DockerConfig.read(dir.resolve("absent.json"))).isEqualTo(RegistryCredentials.NONE);
        Path f = Files.writeString(
                dir.resolve("config.json"), "{\"auths\":{\"h:1\":{\"username\":\"a\",\"password\":\"b\"}}}");
        assertThat(DockerConfig.read(f).forRegistry("h:1")).isPresent();
    }
}
