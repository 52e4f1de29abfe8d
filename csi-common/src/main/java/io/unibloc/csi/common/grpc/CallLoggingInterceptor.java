package io.unibloc.csi.common.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every call: logs method, code and duration once when the call ends, records the timer
 * {@code unibloc_csi_call_seconds{method,code}}, and makes sure a handler's exception reaches the caller as
 * the status {@link StatusMapping} gives it rather than UNKNOWN. Handlers therefore just throw.
 */
public final class CallLoggingInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(CallLoggingInterceptor.class);
    private final MeterRegistry meters;

    public CallLoggingInterceptor(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        long start = System.nanoTime();
        ObservedCall<Q, R> observed = new ObservedCall<>(call, method, start);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(observed, headers);
        } catch (RuntimeException e) {
            observed.closeWith(StatusMapping.toStatus(e));
            return new ServerCall.Listener<>() {};
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                guard(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                guard(super::onHalfClose);
            }

            @Override
            public void onReady() {
                guard(super::onReady);
            }

            @Override
            public void onCancel() {
                observed.record(Status.CANCELLED.withDescription("cancelled by the client"));
                super.onCancel();
            }

            private void guard(Runnable step) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    observed.closeWith(StatusMapping.toStatus(e));
                }
            }
        };
    }

    private final class ObservedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final String method;
        private final long start;
        private final AtomicBoolean done = new AtomicBoolean();

        ObservedCall(ServerCall<Q, R> delegate, String method, long start) {
            super(delegate);
            this.method = method;
            this.start = start;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status mapped = StatusMapping.normalise(status);
            record(mapped);
            super.close(mapped, trailers);
        }

        void closeWith(Status status) {
            try {
                close(status, new Metadata());
            } catch (IllegalStateException alreadyClosed) {
                // The handler closed the call before failing; the caller already has its answer.
                record(status);
            }
        }

        void record(Status status) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            long nanos = System.nanoTime() - start;
            Timer.builder("unibloc.csi.call")
                    .description("CSI and device-plugin gRPC calls by method and result code")
                    .tag("method", shortName(method))
                    .tag("code", status.getCode().name())
                    .register(meters)
                    .record(nanos, TimeUnit.NANOSECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
            if (status.isOk()) {
                LOG.info("grpc method={} code=OK durationMs={}", method, millis);
            } else if (isServerFault(status.getCode())) {
                LOG.warn(
                        "grpc method={} code={} durationMs={} message={}",
                        method,
                        status.getCode(),
                        millis,
                        status.getDescription(),
                        status.getCause());
            } else {
                LOG.info(
                        "grpc method={} code={} durationMs={} message={}",
                        method,
                        status.getCode(),
                        millis,
                        status.getDescription());
            }
        }
    }

    private static boolean isServerFault(Status.Code code) {
        return code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.DATA_LOSS;
    }

    private static String shortName(String fullMethod) {
        int slash = fullMethod.lastIndexOf('/');
        return slash >= 0 ? fullMethod.substring(slash + 1) : fullMethod;
    }
}
