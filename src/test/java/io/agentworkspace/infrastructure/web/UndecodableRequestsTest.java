package io.agentworkspace.infrastructure.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * A request the HTTP decoder cannot read is answered with a problem and the connection closed, after every response
 * still owed on the connection, whatever state the handlers behind it are in.
 */
class UndecodableRequestsTest {

    private static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json().build();

    /** Behind the handler: records the requests it is given and answers only when told. */
    private static final class Application extends ChannelInboundHandlerAdapter {
        final List<String> requests = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                requests.add(request.method() + " " + request.uri());
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private final Application application = new Application();
    // the same limits as server.max-http-request-header-size and server.netty.max-initial-line-length
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(16 * 1024, 16 * 1024, 8192),
            new UndecodableRequests(JSON), application);

    @Test
    void headersPastTheLimitAre431ProblemAndTheConnectionCloses() throws Exception {
        channel.writeInbound(bytes("GET /api/runs HTTP/1.1\r\nHost: x\r\nX-Huge: " + "h".repeat(20_000) + "\r\n\r\n"));

        Answer answer = answer();
        assertThat(answer.status()).isEqualTo(431);
        assertThat(answer.head()).contains("content-type: application/problem+json").contains("connection: close");
        assertThat(answer.problem().get("type").asText()).isEqualTo("/problems/headers-too-large");
        assertThat(answer.problem().get("status").asInt()).isEqualTo(431);
        assertThat(application.requests).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aRequestLinePastTheLimitIs414AndGarbageIs400() throws Exception {
        channel.writeInbound(bytes("GET /api/runs?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        Answer tooLong = answer();
        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(tooLong.problem().get("type").asText()).isEqualTo("/problems/uri-too-long");

        EmbeddedChannel another = new EmbeddedChannel(new HttpServerCodec(16 * 1024, 16 * 1024, 8192),
                new UndecodableRequests(JSON), new Application());
        another.writeInbound(bytes("GET /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"));
        Answer malformed = answerOf(another);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.problem().get("type").asText()).isEqualTo("/problems/malformed-request");
        assertThat(another.isOpen()).isFalse();
    }

    @Test
    void theRefusalWaitsForTheResponsesOwedBeforeItAndNothingAfterItIsRead() throws Exception {
        channel.writeInbound(bytes("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: x\r\nX-Huge: " + "h".repeat(20_000) + "\r\n\r\n"
                + "GET /third HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(application.requests).containsExactly("GET /first");
        assertThat((Object) channel.readOutbound()).as("nothing is written while /first is owed").isNull();
        assertThat(channel.isOpen()).isTrue();

        FullHttpResponse first = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("first", StandardCharsets.UTF_8));
        first.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);
        channel.writeAndFlush(first);

        String written = drain(channel);
        assertThat(written).startsWith("HTTP/1.1 200 OK");
        assertThat(written.indexOf("HTTP/1.1 431")).as("the refusal follows the response owed before it")
                .isGreaterThan(written.indexOf("first"));
        assertThat(application.requests).containsExactly("GET /first");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aWellFormedRequestPassesUntouched() {
        channel.writeInbound(bytes("POST /api/projects HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
        assertThat(application.requests).containsExactly("POST /api/projects");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    private record Answer(int status, String head, JsonNode problem) {
    }

    private Answer answer() throws Exception {
        return answerOf(channel);
    }

    private static Answer answerOf(EmbeddedChannel channel) throws Exception {
        String written = drain(channel);
        int split = written.indexOf("\r\n\r\n");
        String head = written.substring(0, split).toLowerCase(java.util.Locale.ROOT);
        return new Answer(Integer.parseInt(written.substring(9, 12)), head, JSON.readTree(written.substring(split + 4)));
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder written = new StringBuilder();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            if (out instanceof ByteBuf buffer) {
                written.append(buffer.toString(StandardCharsets.UTF_8));
            }
            ReferenceCountUtil.release(out);
        }
        return written.toString();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }
}
