package io.unibloc.blockstore.layers;

import java.util.ArrayList;
import java.util.List;

/**
 * A tar entry name split into components relative to the layer root. Absolute names and {@code ..}
 * components are refused outright: a well-formed layer never needs them, and refusing them is simpler
 * to trust than clamping them.
 */
record EntryPath(List<String> components) {
    /** The root itself ({@code ./} or empty). */
    boolean isRoot() {
        return components.isEmpty();
    }

    String name() {
        return components.get(components.size() - 1);
    }

    List<String> parent() {
        return components.subList(0, components.size() - 1);
    }

    /** Parses {@code name}; returns the reason it is refused through {@link Refused}. */
    static EntryPath parse(String name) throws Refused {
        if (name.indexOf('\0') >= 0) {
            throw new Refused("name contains a NUL byte");
        }
        if (name.startsWith("/")) {
            throw new Refused("absolute path");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new Refused("'..' would leave the layer root");
            }
            parts.add(part);
        }
        return new EntryPath(List.copyOf(parts));
    }

    @Override
    public String toString() {
        return String.join("/", components);
    }

    /** Why a name or link was refused; checked so that every caller names the entry in its error. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
