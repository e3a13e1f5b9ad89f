package dev.loopgate.gateway.http;

import dev.loopgate.gateway.config.ClientLimits;
import dev.loopgate.gateway.error.ErrorBodies;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines a client must keep on one HTTP/1 connection, kept in its Netty pipeline right
 * after the decoder, where a request's head and the end of its body are seen as they are read:
 * a complete head within the header timeout of connecting (the keep-alive timeout after each
 * response), and the whole body within the body timeout of its head. The idle timeout cannot do
 * this: a client trickling a byte a second is never idle. A connection that misses a head
 * deadline is closed; one that misses a body deadline is answered 408 and closed.
 *
 * <p>A body whose framing is invalid (a bad chunk size) is answered 400 and the connection closed,
 * where Vert.x would close it without a word.
 *
 * <p>A head of an HTTP version other than 1.0 and 1.1 is answered 505 here too (Vert.x answers
 * such a head 501 before any handler of ours sees it).
 */
final class ClientDeadlines extends ChannelDuplexHandler {
    private final ClientLimits limits;
    private final ClientRefusals refusals;
    private ScheduledFuture<?> deadline;
    /** Heads read whose responses have not ended; no head deadline runs while a call is open. */
    private int open;
    private boolean responding;
    private boolean closing;

    ClientDeadlines(ClientLimits limits, ClientRefusals refusals) {
        this.limits = limits;
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        awaitHead(ctx, limits.headerTimeout());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest head) {
            cancel();
            if (head.protocolVersion() != HttpVersion.HTTP_1_1 && head.protocolVersion() != HttpVersion.HTTP_1_0) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, new GatewayException(
                        ErrorCode.HTTP_VERSION_NOT_SUPPORTED, "This gateway speaks HTTP/1.1 and HTTP/1.0, not "
                        + head.protocolVersion().text() + "."));
                return;
            }
            open++;
            if (!(msg instanceof LastHttpContent)) {
                deadline = ctx.executor().schedule(() -> bodyTimedOut(ctx), limits.bodyTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure() && !responding) {
            // Vert.x would only drop the connection; the client is told why
            ReferenceCountUtil.release(msg);
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, new GatewayException(ErrorCode.INVALID_REQUEST,
                    "The request body's framing is invalid (" + content.decoderResult().cause().getMessage() + ")."));
            return;
        } else if (msg instanceof LastHttpContent) {
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response && response.status().code() < 200;
        if (msg instanceof HttpResponse && !informational) {
            responding = true;
        }
        if (msg instanceof LastHttpContent && !informational && open > 0) {
            open--;
            responding = false;
            if (open == 0 && !closing) {
                awaitHead(ctx, limits.keepAliveTimeout());
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void awaitHead(ChannelHandlerContext ctx, Duration timeout) {
        cancel();
        deadline = ctx.executor().schedule(() -> {
            refusals.headTimedOut();
            closing = true;
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void bodyTimedOut(ChannelHandlerContext ctx) {
        refusals.bodyTimedOut();
        if (responding) {
            closing = true;
            ctx.close();
        } else {
            refuse(ctx, HttpResponseStatus.REQUEST_TIMEOUT, new GatewayException(ErrorCode.REQUEST_TIMEOUT,
                    "The request body did not arrive within " + limits.bodyTimeout().toSeconds() + " s."));
        }
    }

    /** Answers past Vert.x, which is fine only because the connection closes right after. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, GatewayException error) {
        closing = true;
        cancel();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(ErrorBodies.json(error).getBytes()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
