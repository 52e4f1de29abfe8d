package io.unibloc.csi.common.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client channels to UNIX sockets: how the device plugin reaches kubelet, and how tests play kubelet and the sidecars. */
public final class UnixSocketChannels {
    private UnixSocketChannels() {}

    /** A plaintext channel to {@code socket}; closing the returned handle shuts the channel and its event loop down. */
    public static Handle open(Path socket) {
        EventLoopGroup group = new EpollEventLoopGroup(1, UnixSocketServer.daemonThreads("grpc-client"));
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        return new Handle(channel, group);
    }

    public record Handle(ManagedChannel channel, EventLoopGroup group) implements AutoCloseable {
        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
