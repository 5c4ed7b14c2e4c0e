package io.agentworkspace.console;

/**
 * WebSocket text frames as a server sends them (RFC 6455: final, unmasked, no extension), encoded once: an event's
 * frame is built the first time a connection needs it and then written as it is to every connection, without the
 * per-connection encoding and copy of a frame encoder.
 */
public final class WebSocketFrames {

    private WebSocketFrames() {
    }

    /** The whole frame (header and payload) of a text message. */
    public static byte[] text(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) 0x81; // FIN, text
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length < 65536) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (((long) length) >>> (8 * (7 - i)));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
