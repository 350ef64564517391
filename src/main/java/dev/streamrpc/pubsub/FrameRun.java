package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The frames a group of members gets from one batch, in ascending offset order, so that a
 * member that already has everything up to some offset gets a tail of them, without copying.
 */
final class FrameRun {

    private final List<EncodedMessage> frames;
    private final long[] offsets;

    FrameRun(int capacity) {
        frames = new ArrayList<>(capacity);
        offsets = new long[capacity];
    }

    /** Adds a frame; offsets must ascend. */
    void add(EncodedMessage frame, long offset) {
        offsets[frames.size()] = offset;
        frames.add(frame);
    }

    /** The frames with an offset after {@code skipThrough}. */
    List<EncodedMessage> after(long skipThrough) {
        int first = 0;
        while (first < frames.size() && offsets[first] <= skipThrough) {
            first++;
        }
        return first == 0 ? frames : frames.subList(first, frames.size());
    }
}
