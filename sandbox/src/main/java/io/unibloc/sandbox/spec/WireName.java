package io.unibloc.sandbox.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum constant with the lower-case name it has in the boot spec JSON and in image labels. */
interface WireName {

    String wireName();

    /**
     * Looks {@code value} up among {@code constants} by wire name.
     *
     * @param what what the value is, for the error ("vmm", "image label io.unibloc.guest")
     * @throws InvalidBootSpecException naming the value and the accepted names when nothing matches
     */
    static <E extends Enum<E> & WireName> E parse(E[] constants, String what, String value) {
        for (E constant : constants) {
            if (constant.wireName().equals(value)) {
                return constant;
            }
        }
        String expected = Arrays.stream(constants).map(WireName::wireName).collect(Collectors.joining(", "));
        throw new InvalidBootSpecException("unknown " + what + " \"" + value + "\"; expected one of " + expected);
    }
}
