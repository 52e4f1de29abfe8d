package io.unibloc.sandbox.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes a boot spec as compact JSON on Jackson's streaming generator, in the field order of {@link BootSpec}.
 * Unset fields are left out, and so are empty strings, lists and maps (the spec reads them back as unset or
 * empty, which is the same spec). A {@code network} object is always written when set, even empty; inside {@code
 * files} every field is written, {@code null} included, so an entry's shape never depends on its values.
 */
final class BootSpecWriter {

    private final JsonGenerator out;

    BootSpecWriter(JsonGenerator out) {
        this.out = out;
    }

    void write(BootSpec spec) throws IOException {
        out.writeStartObject();
        string("vmm", spec.vmm() == null ? null : spec.vmm().id());
        string("machine", spec.machine() == null ? null : spec.machine().id());
        wireName("guest", spec.guest());
        string("kernel", spec.kernel());
        string("kernelHostPath", spec.kernelHostPath());
        string("initrd", spec.initrd());
        string("initrdHostPath", spec.initrdHostPath());
        string("cmdline", spec.cmdline());
        strings("args", spec.args());
        env(spec.env());
        integer("vcpus", spec.vcpus());
        integer("memoryMiB", spec.memoryMiB());
        string("rootDevice", spec.rootDevice());
        if (spec.readOnly() != null) {
            out.writeBooleanField("readOnly", spec.readOnly());
        }
        strings("extraDevices", spec.extraDevices());
        files(spec.files());
        integer("bootTimeoutSeconds", spec.bootTimeoutSeconds());
        network(spec.network());
        out.writeEndObject();
    }

    private void files(List<FileProjection> files) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        out.writeArrayFieldStart("files");
        for (FileProjection file : files) {
            out.writeStartObject();
            out.writeStringField("source", file.source());
            out.writeStringField("target", file.target());
            out.writeFieldName("mode");
            if (file.mode() == null) {
                out.writeNull();
            } else {
                out.writeNumber(file.mode());
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private void network(NetworkSpec network) throws IOException {
        if (network == null) {
            return;
        }
        out.writeObjectFieldStart("network");
        string("mode", network.mode() == null ? null : network.mode().id());
        if (!network.ports().isEmpty()) {
            out.writeArrayFieldStart("ports");
            for (GuestPort port : network.ports()) {
                out.writeStartObject();
                out.writeNumberField("port", port.port());
                out.writeStringField("protocol", port.protocol());
                out.writeEndObject();
            }
            out.writeEndArray();
        }
        wireName("guestConfig", network.guestConfig());
        out.writeEndObject();
    }

    private void env(Map<String, String> env) throws IOException {
        if (env.isEmpty()) {
            return;
        }
        out.writeObjectFieldStart("env");
        for (Map.Entry<String, String> entry : env.entrySet()) {
            out.writeStringField(entry.getKey(), entry.getValue());
        }
        out.writeEndObject();
    }

    private void strings(String name, List<String> values) throws IOException {
        if (values.isEmpty()) {
            return;
        }
        out.writeArrayFieldStart(name);
        for (String value : values) {
            out.writeString(value);
        }
        out.writeEndArray();
    }

    private void string(String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            out.writeStringField(name, value);
        }
    }

    private void integer(String name, Integer value) throws IOException {
        if (value != null) {
            out.writeNumberField(name, value);
        }
    }

    private void wireName(String name, WireName value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value.wireName());
        }
    }
}
