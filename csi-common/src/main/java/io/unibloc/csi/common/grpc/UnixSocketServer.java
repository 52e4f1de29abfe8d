package io.unibloc.csi.common.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server on a UNIX domain socket (netty epoll), with the {@link CallLoggingInterceptor} around every
 * service. A stale socket file from a previous run is replaced; the socket is removed again on close.
 */
public final class UnixSocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);
    private final Path socket;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor;

    private UnixSocketServer(
            Path socket, Server server, EventLoopGroup boss, EventLoopGroup workers, ExecutorService executor) {
        this.socket = socket;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
    }

    /**
     * Starts serving {@code services} at {@code socket}. Handlers run on a cached thread pool, so a slow call
     * never blocks others. Fails with an {@link UncheckedIOException} naming the path.
     */
    public static UnixSocketServer start(
            Path socket, List<BindableService> services, CallLoggingInterceptor interceptor) {
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare socket path " + socket, e);
        }
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        ExecutorService executor = Executors.newCachedThreadPool(daemonThreads("grpc-" + socket.getFileName()));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor);
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, interceptor));
        }
        try {
            Server server = builder.build().start();
            restrictPermissions(socket);
            LOG.info(
                    "serving gRPC socket={} services={}",
                    socket,
                    services.stream()
                            .map(s -> s.bindService().getServiceDescriptor().getName())
                            .toList());
            return new UnixSocketServer(socket, server, boss, workers, executor);
        } catch (IOException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on socket " + socket, e);
        }
    }

    public Path socket() {
        return socket;
    }

    /** Blocks until the server terminates (for {@code Main}). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        executor.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove socket={}", socket, e);
        }
    }

    private static void restrictPermissions(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot restrict permissions of socket={}", socket, e);
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
