package io.unibloc.sandbox.spec;

import java.util.List;

/**
 * A boot spec (or an image label feeding one) is malformed or inconsistent. The message names every
 * problem found, each with the field it concerns, so one round trip fixes them all.
 */
public class InvalidBootSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidBootSpecException(String problem) {
        this(List.of(problem));
    }

    public InvalidBootSpecException(List<String> problems) {
        super(
                problems.size() == 1
                        ? "invalid boot spec: " + problems.get(0)
                        : "invalid boot spec: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidBootSpecException(String problem, Throwable cause) {
        super("invalid boot spec: " + problem, cause);
        this.problems = List.of(problem);
    }

    /** Each problem on its own, e.g. {@code "vcpus must be at least 1, got 0"}. */
    public List<String> problems() {
        return problems;
    }
}
