package io.unibloc.types;

/**
 * A pull stopped on purpose by its caller (a progress callback threw it because the volume being prepared was
 * deleted), not a failure of the source. Whoever aggregates download failures passes it on unchanged: the registry
 * client does not take it for a broken mirror and ask the next endpoint, the engine does not wrap it, so the caller
 * sees its own cancellation. Its kind is {@link ErrorKind#UNAVAILABLE}: the same pull asked again later may succeed.
 */
public final class PullCancelledException extends StoreException {
    public PullCancelledException(String message) {
        super(ErrorKind.UNAVAILABLE, message);
    }
}
