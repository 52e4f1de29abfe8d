package io.unibloc.csi.controller.service;

import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.csi.common.CsiVolumeIds;
import io.unibloc.csi.common.grpc.CsiErrors;
import java.util.List;

/**
 * ListVolumes pages. The token names the first volume of the next page ({@code next:<id>}), so deleting
 * or adding volumes between pages never duplicates entries; a token of any other form is ABORTED, as the
 * CSI spec asks.
 */
final class ListVolumesPager {
    private static final String PREFIX = "next:";

    private ListVolumesPager() {}

    record Page(List<BlockVolume> entries, String nextToken) {}

    static Page page(List<BlockVolume> sortedByName, String startingToken, int maxEntries) {
        if (maxEntries < 0) {
            throw CsiErrors.invalid("max_entries", "must not be negative");
        }
        List<BlockVolume> rest = sortedByName;
        if (!startingToken.isEmpty()) {
            String from = startingToken.startsWith(PREFIX) ? startingToken.substring(PREFIX.length()) : null;
            if (from == null || !CsiVolumeIds.isValid(from)) {
                throw io.grpc.Status.ABORTED
                        .withDescription("starting_token '" + startingToken + "' was not issued by this plugin")
                        .asRuntimeException();
            }
            rest = sortedByName.stream()
                    .filter(v -> v.getMetadata().getName().compareTo(from) >= 0)
                    .toList();
        }
        if (maxEntries == 0 || rest.size() <= maxEntries) {
            return new Page(rest, "");
        }
        return new Page(
                rest.subList(0, maxEntries),
                PREFIX + rest.get(maxEntries).getMetadata().getName());
    }
}
