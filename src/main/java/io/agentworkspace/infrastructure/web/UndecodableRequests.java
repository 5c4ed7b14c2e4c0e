package io.agentworkspace.infrastructure.web;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.lang.Nullable;

/**
 * Answers a request the HTTP decoder could not read (headers past {@code server.max-http-request-header-size}, a
 * request line past {@code server.netty.max-initial-line-length}, a malformed request) with a problem, then closes
 * the connection. Sits right after the HTTP codec of every connection.
 *
 * <p>Reactor Netty answers such requests itself, but on a keep-alive connection whose previous request's
 * operations are still bound to the channel it hands its refusal to those finished operations, which never write
 * it: the client waits for an answer that never comes and the connection stays open. So the refusal is written
 * here, after every response still owed on the connection (HTTP/1.1 keeps them in request order), and the decoder,
 * which discards whatever follows a bad message, never gets to read another request on it.
 */
final class UndecodableRequests extends ChannelDuplexHandler {

    static final String NAME = "agent.undecodableRequests";
    private static final Logger log = LoggerFactory.getLogger(UndecodableRequests.class);

    private final ObjectMapper json;
    /** Requests passed on whose responses have not been written to the end. */
    private int owed;
    /** The answer to an undecodable request, kept until the responses owed before it are written. */
    @Nullable
    private FullHttpResponse refusal;
    private boolean refused;

    UndecodableRequests(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusal != null || refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                log.debug("undecodable request from {}: {}", ctx.channel().remoteAddress(), cause.toString());
                refusal = refusalFor(cause);
                if (owed == 0) {
                    refuse(ctx);
                }
                return;
            }
            owed++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // an interim response (100 Continue) is not the end of the exchange
        boolean ends = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (ends && owed > 0 && --owed == 0 && refusal != null) {
            refuse(ctx);
        }
    }

    private void refuse(ChannelHandlerContext ctx) {
        FullHttpResponse response = refusal;
        refusal = null;
        refused = true;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (refusal != null) {
            refusal.release();
            refusal = null;
        }
    }

    private FullHttpResponse refusalFor(Throwable cause) {
        ProblemDetail problem;
        if (cause instanceof TooLongHttpHeaderException) {
            problem = Problems.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large",
                    "The request's headers are larger than this server accepts.");
        } else if (cause instanceof TooLongHttpLineException) {
            problem = Problems.of(HttpStatus.URI_TOO_LONG, "uri-too-long",
                    "The request line is longer than this server accepts.");
        } else {
            problem = Problems.of(HttpStatus.BAD_REQUEST, "malformed-request",
                    cause instanceof TooLongFrameException ? "The request is larger than this server accepts."
                            : "The request is not well-formed HTTP/1.1.");
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            body = ("{\"status\":" + problem.getStatus() + "}").getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(problem.getStatus()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON.toString())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
