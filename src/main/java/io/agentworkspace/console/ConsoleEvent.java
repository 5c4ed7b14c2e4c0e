package io.agentworkspace.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.springframework.lang.Nullable;

/**
 * One event of the console log, as delivered. {@code id} is its position in the log: ids are dense and increase in
 * commit order, so they strictly increase within every channel and a subscriber that saw id N has seen everything
 * before it. {@code data} is the text a Pusher client receives as the frame's {@code data}; {@code dataIsJson} says
 * whether it is a JSON value (always, for events published through {@link ConsoleEventService}).
 *
 * <p>Each transport's wire bytes are encoded once per event, however many subscribers receive it, and kept outside
 * the heap, read-only: every connection writes the same memory (a heap buffer would be copied once per connection
 * before the socket could take it). That memory is freed with the event.
 */
public final class ConsoleEvent implements ConsoleFeed.Item {

    private final long id;
    private final String channel;
    private final String event;
    private final String data;
    private final boolean dataIsJson;
    private final long publishedMicros;
    @Nullable
    private final String excludedSocketId;
    @Nullable
    private final String traceparent;
    private volatile byte[] pusherFrame;
    private volatile ByteBuffer webSocketWire;
    private volatile ByteBuffer sseWire;

    public ConsoleEvent(long id, String channel, String event, String data, boolean dataIsJson, long publishedMicros,
                        @Nullable String excludedSocketId) {
        this(id, channel, event, data, dataIsJson, publishedMicros, excludedSocketId, null);
    }

    /** @param traceparent the publication's span, while the event travels live (never stored in the log) */
    ConsoleEvent(long id, String channel, String event, String data, boolean dataIsJson, long publishedMicros,
                 @Nullable String excludedSocketId, @Nullable String traceparent) {
        this.traceparent = traceparent;
        this.id = id;
        this.channel = channel;
        this.event = event;
        this.data = data;
        this.dataIsJson = dataIsJson;
        this.publishedMicros = publishedMicros;
        this.excludedSocketId = excludedSocketId;
    }

    public long id() {
        return id;
    }

    @Nullable
    String traceparent() {
        return traceparent;
    }

    public String channel() {
        return channel;
    }

    public String event() {
        return event;
    }

    public String data() {
        return data;
    }

    public boolean dataIsJson() {
        return dataIsJson;
    }

    public long publishedMicros() {
        return publishedMicros;
    }

    public Instant publishedAt() {
        return Instant.EPOCH.plus(publishedMicros, ChronoUnit.MICROS);
    }

    /** The socket a Pusher HTTP publisher asked to leave out (its own), if any; never stored. */
    @Nullable
    public String excludedSocketId() {
        return excludedSocketId;
    }

    /** {@code data} as a JSON value: itself when it is JSON, else a JSON string. */
    public String dataAsJson() {
        return dataIsJson ? data : quote(data);
    }

    /**
     * The Pusher frame: {@code {"event","channel","data","id"}}. pusher-js hands callbacks only the parsed
     * {@code data}, so a JSON object's data also carries the id as its {@code _seq} member.
     */
    public byte[] pusherFrame() {
        byte[] frame = pusherFrame;
        if (frame == null) {
            String delivered = dataIsJson ? withSequence(data, id) : data;
            frame = ("{\"event\":" + quote(event) + ",\"channel\":" + quote(channel) + ",\"data\":" + quote(delivered)
                    + ",\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
            pusherFrame = frame;
        }
        return frame;
    }

    /** {@link #pusherFrame()} as a whole WebSocket text frame, header included, ready to be written. */
    public ByteBuffer webSocketWire() {
        ByteBuffer wire = webSocketWire;
        if (wire == null) {
            wire = offHeap(WebSocketFrames.text(pusherFrame()));
            webSocketWire = wire;
        }
        return wire.duplicate();
    }

    private static ByteBuffer offHeap(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
    }

    /**
     * The SSE message: {@code id:} is the log id; {@code data:} the same JSON item polling returns. Published JSON
     * keeps its own whitespace, which may hold line breaks ({@code \n}, {@code \r}, {@code \r\n}), and each of
     * them ends an SSE line: every line of the item gets a {@code data:} field of its own, which the client joins
     * with {@code \n} (JSON whitespace still), so a payload can never end the event early or inject a field.
     */
    public ByteBuffer sseWire() {
        ByteBuffer wire = sseWire;
        if (wire == null) {
            String item = itemJson();
            StringBuilder message = new StringBuilder(64 + item.length()).append("id: ").append(id).append('\n');
            if (item.indexOf('\n') < 0 && item.indexOf('\r') < 0) {
                message.append("data: ").append(item).append('\n');
            } else {
                for (String line : LINE_BREAK.split(item, -1)) {
                    message.append("data: ").append(line).append('\n');
                }
            }
            wire = offHeap(message.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            sseWire = wire;
        }
        return wire.duplicate();
    }

    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    /** {@code {"id","channel","event","data","publishedAt"}}: one line of JSON, as polling and SSE deliver it. */
    public String itemJson() {
        return "{\"id\":" + id + ",\"channel\":" + quote(channel) + ",\"event\":" + quote(event) + ",\"data\":"
                + dataAsJson() + ",\"publishedAt\":\"" + publishedAt() + "\"}";
    }

    static String withSequence(String json, long id) {
        int start = 0;
        while (start < json.length() && Character.isWhitespace(json.charAt(start))) {
            start++;
        }
        if (start >= json.length() || json.charAt(start) != '{') {
            return json;
        }
        int next = start + 1;
        while (next < json.length() && Character.isWhitespace(json.charAt(next))) {
            next++;
        }
        boolean empty = next < json.length() && json.charAt(next) == '}';
        return "{\"_seq\":" + id + (empty ? "" : ",") + json.substring(start + 1);
    }

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    @Override
    public String toString() {
        return "ConsoleEvent[" + id + " " + channel + " " + event + "]";
    }
}
