package io.unibloc.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

    @Test
    void readsNestedObjectsAndArraysInOrder() throws IOException {
        Object tree = JsonTree.parse("[{\"ifname\":\"eth0\",\"mtu\":1450,\"up\":true,\"gone\":null,"
                + "\"addr_info\":[{\"family\":\"inet\",\"prefixlen\":24},{\"family\":\"inet6\"}]}]");

        assertThat(tree).isInstanceOf(List.class);
        Object link = ((List<?>) tree).get(0);
        assertThat(((Map<?, ?>) link).keySet().stream().map(String::valueOf).toList())
                .containsExactly("ifname", "mtu", "up", "gone", "addr_info");
        assertThat(JsonTree.text(link, "ifname", "?")).isEqualTo("eth0");
        assertThat(JsonTree.integer(link, "mtu", 1500)).isEqualTo(1450);
        assertThat(JsonTree.text(link, "up", "?")).isEqualTo("true");
        assertThat(JsonTree.list(link, "addr_info")).hasSize(2);
        assertThat(JsonTree.integer(JsonTree.list(link, "addr_info").get(0), "prefixlen", 0))
                .isEqualTo(24);
    }

    @Test
    void missingNullOrMistypedFieldsGiveTheFallback() throws IOException {
        Object link = JsonTree.parse("{\"gone\":null,\"mtu\":\"big\",\"addr_info\":{},\"nested\":{\"a\":1}}");

        assertThat(JsonTree.text(link, "gone", "fallback")).isEqualTo("fallback");
        assertThat(JsonTree.text(link, "absent", "fallback")).isEqualTo("fallback");
        assertThat(JsonTree.text(link, "nested", "fallback")).isEqualTo("fallback");
        assertThat(JsonTree.integer(link, "mtu", 1500)).isEqualTo(1500);
        assertThat(JsonTree.list(link, "addr_info")).isEmpty();
        assertThat(JsonTree.text("not an object", "x", "fallback")).isEqualTo("fallback");
    }

    @Test
    void malformedJsonIsAnIoException() {
        assertThatThrownBy(() -> JsonTree.parse("[{\"a\":")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonTree.parse("")).isInstanceOf(IOException.class);
    }
}
