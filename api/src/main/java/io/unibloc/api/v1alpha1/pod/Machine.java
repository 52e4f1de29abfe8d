package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The QEMU machine type; ignored by VMMs that have only one. */
public enum Machine {
    @JsonProperty("microvm")
    MICROVM("microvm"),
    @JsonProperty("pc")
    PC("pc"),
    @JsonProperty("q35")
    Q35("q35");

    private final String id;

    Machine(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
