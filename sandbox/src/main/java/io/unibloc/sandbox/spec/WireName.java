package io.unibloc.sandbox.spec;

import java.util.Arrays;
import java.util.function.Function;
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
        return parse(constants, WireName::wireName, what, value);
    }

    /**
     * The same for a type the sandbox shares with the API ({@code io.unibloc.types.Machine}), whose wire name is
     * {@code wireName} of the constant.
     */
    static <E extends Enum<E>> E parse(E[] constants, Function<E, String> wireName, String what, String value) {
        for (E constant : constants) {
            if (wireName.apply(constant).equals(value)) {
                return constant;
            }
        }
        String expected = Arrays.stream(constants).map(wireName).collect(Collectors.joining(", "));
        throw new InvalidBootSpecException("unknown " + what + " \"" + value + "\"; expected one of " + expected);
    }
}
