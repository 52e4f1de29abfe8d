package io.unibloc.blockstore.volumes;

import io.unibloc.blockstore.StoreException;
import java.util.regex.Pattern;

/**
 * Volume ids become directory names, so they are held to a DNS-subdomain-like form: lowercase letters,
 * digits, {@code -}, {@code .} and {@code _}, starting and ending alphanumeric, at most 253 characters, no
 * {@code ..}. That excludes every path trick ({@code /}, {@code ..}, leading dots, NUL).
 */
public final class VolumeIds {
    private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?");

    private VolumeIds() {}

    /** Returns {@code id} when valid; INVALID_ARGUMENT naming it otherwise. */
    public static String validate(String id) {
        if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
            throw StoreException.invalid("invalid volume id '" + id + "': expected 1-253 of [a-z0-9._-], starting and ending"
                    + " with a letter or digit, without '..'");
        }
        return id;
    }
}
