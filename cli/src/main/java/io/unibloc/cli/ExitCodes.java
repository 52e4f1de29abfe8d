package io.unibloc.cli;

import io.unibloc.types.ErrorKind;

/** What {@code unibloc} exits with; listed in {@code --help}. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    public static final int OTHER = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int INVALID = 4;
    public static final int UNAVAILABLE = 5;

    /** The help section text, one line per code. */
    public static final String[] HELP = {
        "0   success",
        "1   other failure (I/O error, bug, store full)",
        "2   usage error (unknown command or option, bad option value)",
        "3   not found (image, tag, platform, volume)",
        "4   invalid input (bad reference or size, hostile layer, wrong digest, refused credentials,"
                + " conflicting volume, volume in use)",
        "5   unavailable (registry unreachable or failing; retrying later may work)",
    };

    public static int of(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND -> NOT_FOUND;
            case INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION, UNAUTHENTICATED -> INVALID;
            case UNAVAILABLE -> UNAVAILABLE;
            case RESOURCE_EXHAUSTED, INTERNAL -> OTHER;
        };
    }
}
