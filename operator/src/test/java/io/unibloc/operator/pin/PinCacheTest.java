package io.unibloc.operator.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PinCacheTest {
    private static final ImageReference TAG = ImageReference.parse("r.example.com/app:1.0");
    private static final Digest DIGEST = Digest.sha256("12".repeat(32));
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Function<ImageReference, PinnedImage> behaviour =
            ref -> new PinnedImage(ref.withDigest(DIGEST), Map.of("io.unibloc.kernel", "/k"));
    private final PinCache cache = new PinCache(
            (ref, creds) -> {
                calls.incrementAndGet();
                return behaviour.apply(ref);
            },
            threads,
            clock,
            TTL,
            INITIAL,
            MAX,
            new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        cache.close();
    }

    private final Map<Object, AtomicInteger> wakes = new ConcurrentHashMap<>();

    private PinCache.Waiter waiter(String id) {
        return new PinCache.Waiter(
                id, () -> wakes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
    }

    private PinResult settle(ImageReference ref, RegistryCredentials creds) {
        PinResult[] last = new PinResult[1];
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            last[0] = cache.lookup(ref, creds, waiter("settle"));
            return !(last[0] instanceof PinResult.Waiting);
        });
        return last[0];
    }

    @Test
    void manyAskersOneRegistryCallEveryoneWokenOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        behaviour = ref -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new PinnedImage(ref.withDigest(DIGEST), Map.of());
        };
        for (int i = 0; i < 50; i++) {
            assertThat(cache.lookup(TAG, RegistryCredentials.NONE, waiter("ukp-" + (i % 10))))
                    .isInstanceOf(PinResult.Waiting.class);
        }
        release.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> wakes.size() == 10);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(wakes.values())
                .allSatisfy(n -> assertThat(n.get()).as("woken once").isEqualTo(1));
        PinResult result = cache.lookup(TAG, RegistryCredentials.NONE, waiter("late"));
        assertThat(result).isInstanceOfSatisfying(PinResult.Pinned.class, p -> {
            assertThat(p.image().reference().digest()).isEqualTo(DIGEST);
            assertThat(p.image().reference().tag()).isEqualTo("1.0");
        });
    }

    @Test
    void successIsReusedUntilTheTtlEnds() {
        assertThat(settle(TAG, RegistryCredentials.NONE)).isInstanceOf(PinResult.Pinned.class);
        clock.advance(TTL.minusSeconds(1));
        assertThat(cache.lookup(TAG, RegistryCredentials.NONE, waiter("a"))).isInstanceOf(PinResult.Pinned.class);
        assertThat(calls.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.lookup(TAG, RegistryCredentials.NONE, waiter("a"))).isInstanceOf(PinResult.Waiting.class);
        assertThat(settle(TAG, RegistryCredentials.NONE)).isInstanceOf(PinResult.Pinned.class);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void theDigestFormIsAnsweredFromTheTagsPin() {
        PinResult.Pinned byTag = (PinResult.Pinned) settle(TAG, RegistryCredentials.NONE);
        PinResult byDigest = cache.lookup(byTag.image().reference(), RegistryCredentials.NONE, waiter("a"));
        assertThat(byDigest)
                .isInstanceOfSatisfying(
                        PinResult.Pinned.class,
                        p -> assertThat(p.image().labels()).containsEntry("io.unibloc.kernel", "/k"));
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void failuresBackOffDoublingUpToTheCap() {
        behaviour = ref -> {
            throw RegistryException.notFound("manifest 1.0 of r.example.com/app: not found");
        };
        Instant start = clock.instant();
        PinResult.Failed first = (PinResult.Failed) settle(TAG, RegistryCredentials.NONE);
        assertThat(first.reason()).isEqualTo("ImageNotFound");
        assertThat(first.permanent()).isFalse();
        assertThat(first.message()).contains("r.example.com/app");
        assertThat(first.retryAt()).isEqualTo(start.plus(INITIAL));

        clock.advance(INITIAL.minusSeconds(1));
        assertThat(cache.lookup(TAG, RegistryCredentials.NONE, waiter("a"))).isSameAs(first);
        assertThat(calls.get()).as("no call during the back-off").isEqualTo(1);

        Duration[] expected = {INITIAL.multipliedBy(2), INITIAL.multipliedBy(4), MAX, MAX};
        for (Duration wait : expected) {
            clock.advance(Duration.ofMinutes(1));
            cache.lookup(TAG, RegistryCredentials.NONE, waiter("a"));
            PinResult.Failed next = (PinResult.Failed) settle(TAG, RegistryCredentials.NONE);
            assertThat(Duration.between(clock.instant(), next.retryAt())).isEqualTo(wait);
        }
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void recoveryAfterFailureIsCachedAsSuccess() {
        behaviour = ref -> {
            throw RegistryException.unavailable("registry r.example.com unreachable", null);
        };
        assertThat(settle(TAG, RegistryCredentials.NONE))
                .isInstanceOfSatisfying(
                        PinResult.Failed.class, f -> assertThat(f.reason()).isEqualTo("RegistryUnavailable"));
        behaviour = ref -> new PinnedImage(ref.withDigest(DIGEST), Map.of());
        clock.advance(INITIAL);
        assertThat(settle(TAG, RegistryCredentials.NONE)).isInstanceOf(PinResult.Pinned.class);
    }

    @Test
    void malformedImagesArePermanentAndOtherCredentialsRetryAtOnce() {
        behaviour = ref -> {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED, "r.example.com refused the credentials for app");
        };
        assertThat(settle(TAG, RegistryCredentials.NONE))
                .isInstanceOfSatisfying(
                        PinResult.Failed.class, f -> assertThat(f.reason()).isEqualTo("RegistryAuthFailed"));
        behaviour = ref -> new PinnedImage(ref.withDigest(DIGEST), Map.of());
        RegistryCredentials fixed =
                new RegistryCredentials(Map.of("r.example.com", new RegistryCredentials.Login("alice", "s3cret")));
        assertThat(settle(TAG, fixed))
                .as("a fixed pull secret does not wait out the back-off")
                .isInstanceOf(PinResult.Pinned.class);

        behaviour = ref -> {
            throw RegistryException.invalid("manifest of r.example.com/bad:1 is not JSON");
        };
        PinResult.Failed invalid =
                (PinResult.Failed) settle(ImageReference.parse("r.example.com/bad:1"), RegistryCredentials.NONE);
        assertThat(invalid.permanent()).isTrue();
        assertThat(invalid.reason()).isEqualTo("InvalidImage");
    }

    @Test
    void backoffArithmetic() {
        assertThat(cache.backoff(1)).isEqualTo(INITIAL);
        assertThat(cache.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(cache.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(cache.backoff(4)).isEqualTo(MAX);
        assertThat(cache.backoff(60)).isEqualTo(MAX);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
