package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One channel with subscribers on this server: who holds which patterns, the channel's
 * broker subscription, its place in the channel's stream, and fan-out.
 *
 * <p><b>Serialised without holding a lock across work.</b> Every change (a member joins or
 * leaves, the broker answers) and every publication is an operation queued on the channel;
 * one thread at a time applies the queue, to the end, and everyone else only queues and
 * returns. So fan-out walks plain arrays that nothing changes under it, joins and leaves are
 * O(1) (swap-remove), and all local subscribers see the channel's publications in one order.
 * The only lock guards the queue itself, for a few instructions. A change (a join, a leave,
 * a broker's answer) is applied by the thread that queues it when nobody else is applying,
 * together with whatever is queued meanwhile; an inbound publication that finds nobody
 * applying is handed to the hub's fan-out threads, so that the publisher's thread (or the
 * Redis inbound thread) goes back to reading while it goes out.
 *
 * <p><b>Publications that queue up go out together.</b> The publications waiting in the
 * queue (up to {@value #MAX_BATCH}) are fanned out as one batch: each member is reached once
 * per batch and gets every one of them it matches in a single hand-over, which its outbox
 * writes in one go. So the busier a channel, the fewer writes per delivery; a quiet channel
 * sends each publication at once.
 *
 * <p><b>Busy channels take turns.</b> A thread applying a channel's queue gives the fan-out
 * threads back after {@value #TURN_MILLIS} ms (at the end of the operation or batch it is in)
 * and queues the rest behind the channels waiting for them: a channel whose backlog keeps a
 * thread busy for seconds (costly patterns, a flood of publications) would otherwise keep
 * every other channel's deliveries waiting behind it.
 *
 * <p><b>The broker subscription is a state, not a held lock.</b> The first member moves the
 * channel from NEW to SUBSCRIBING and asks the broker; members that join meanwhile wait for
 * the same confirmation, nobody blocks, and nothing is delivered until the channel is ACTIVE:
 * publications the broker hands over before its confirmation are held, and those after the
 * position it confirms go out right behind the members' replies. A broker that refuses, or
 * does not confirm within its timeout, fails every waiting member with
 * {@code Cannot subscribe to channel}. After the last member leaves, the channel is
 * UNSUBSCRIBING until the broker confirms; at most one broker call is outstanding per
 * channel, so the broker sees them in order.
 *
 * <p><b>No silent gaps.</b> The channel knows the stream's epoch and the last offset it
 * delivered. A publication that skips offsets (the broker connection dropped, or this server
 * dropped inbound publications) is held while the missing ones are read from the history and
 * delivered first; what the history no longer holds is announced to positioned members as a
 * {@code gap}. A publication of another epoch (the history was lost) is announced first.
 *
 * <p><b>Patterns are matched once per publication</b>, not once per subscriber: members that
 * hold the same set of patterns (and the same wish for positions) form a group, and each
 * distinct pattern's result is computed at most once per publication and shared by the
 * groups that hold it. The frame with an offset is spliced at most once per publication.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

    /** The most publications fanned out as one batch; a member's outbox writes up to this many frames at once. */
    static final int MAX_BATCH = 64;
    /** How long one thread applies a channel's queue before the channel waits its turn again. */
    static final long TURN_MILLIS = 2;
    private static final long TURN_NANOS = TURN_MILLIS * 1_000_000;

    private enum State { NEW, SUBSCRIBING, ACTIVE, UNSUBSCRIBING }

    /** A distinct pattern of this channel; its result is memoised per publication round. */
    private static final class SharedPattern {
        final EventPattern pattern;
        int groups;
        long round;
        boolean matched;

        SharedPattern(EventPattern pattern) {
            this.pattern = pattern;
        }

        boolean matches(String event, long current) {
            if (round != current) {
                round = current;
                matched = pattern.matches(event);
            }
            return matched;
        }
    }

    /** Which members share a group: the same patterns, and the same wish for positions. */
    private record GroupKey(List<String> patterns, boolean positioned) {
    }

    /** The members that hold exactly one set of patterns on this channel. */
    private static final class Group {
        final GroupKey key;
        final SharedPattern[] patterns;
        Membership[] members = new Membership[2];
        int size;
        int index;   // in Channel.groups

        Group(GroupKey key, SharedPattern[] patterns) {
            this.key = key;
            this.patterns = patterns;
        }

        boolean matches(String event, long round) {
            for (SharedPattern pattern : patterns) {
                if (pattern.matches(event, round)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One member's place on this channel. */
    private static final class Membership {
        final Subscriptions member;
        final TreeMap<String, EventPattern> patterns = new TreeMap<>();   // sorted: part of the group key
        boolean positioned;
        Skip skip = Skip.NOTHING;   // a member that recovered beyond this server's feed gets nothing up to here
        Unconfirmed unconfirmed;   // null unless a since ahead of this server's feed awaits the broker's check
        Group group;
        int index;          // in group.members

        Membership(Subscriptions member) {
            this.member = member;
        }
    }

    /**
     * A since ahead of this server's feed positions its member and raises its threshold at once
     * (see {@link #admit}), before the broker confirms that the stream reached it. A refused one
     * must leave the member as it would be without it, whatever other joins did meanwhile, so
     * until every such since is checked the member keeps apart what it holds for sure.
     */
    private static final class Unconfirmed {
        boolean positioned;
        Skip skip;
        final List<Skip> sinces = new ArrayList<>(1);   // still unchecked

        Unconfirmed(Membership membership) {
            positioned = membership.positioned;
            skip = membership.skip;
        }

        /** Takes the unchecked since at {@code offset}; null when there is none. */
        Skip take(long offset) {
            for (Iterator<Skip> unchecked = sinces.iterator(); unchecked.hasNext(); ) {
                Skip since = unchecked.next();
                if (since.offset() == offset) {
                    unchecked.remove();
                    return since;
                }
            }
            return null;
        }
    }

    /**
     * The publications a member already has: those of {@code epoch} up to {@code offset}. It
     * names its epoch because the stream may start over in a new one (its history expired or
     * was lost) while the member stays, and then the member has none of the new epoch's offsets.
     */
    private record Skip(String epoch, long offset) {
        static final Skip NOTHING = new Skip("", 0);
    }

    /**
     * Where a member starts: it receives every publication after {@code position}; {@code ahead}
     * when that is a {@code since} beyond what this server has delivered (the broker has it).
     */
    record Joined(StreamState position, boolean ahead) {
    }

    /**
     * An inbound publication waiting in the queue. Taken from the queue, it gathers the
     * publications (and waits) queued behind it into the channel's batch; run, it fans the
     * batch out.
     */
    private record Inbound(Channel channel, Publication publication) implements Runnable {
        @Override
        public void run() {
            channel.publishBatch();
        }
    }

    /** Completes once what was queued before it has been fanned out; it does not end a batch. */
    private record CaughtUp(CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            done.complete(null);
        }
    }

    /** A member's join: admitted at once on an active channel, else once the broker confirms. */
    private record Join(Membership membership, StreamPosition since, Runnable replyHere, CompletableFuture<Joined> joined) {
    }

    private final String name;
    private final Channels hub;

    // Collections start at their smallest: a server may hold many channels, most of them quiet,
    // with one or a few members and patterns; a busy one grows its queues once. With one member,
    // a channel cost 2,676 bytes of heap with the default capacities and costs 1,876 so
    // (ChannelMemoryBenchmark; the connection's record and the memory broker's stream included).
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> operations = new ArrayDeque<>(1);  // guarded by lock
    private final List<Publication> batch = new ArrayList<>();           // the applying thread's
    private final List<CaughtUp> caughtUp = new ArrayList<>();          // the applying thread's
    private boolean applying;                                            // guarded by lock
    private boolean retired;                                             // guarded by lock
    private final Runnable applyHere = this::applyQueued;
    private final Runnable applyOnFanOut;

    // Touched only by the thread applying operations; the lock's hand-over orders those threads.
    private State state = State.NEW;
    private final List<Join> waiting = new ArrayList<>();
    private final Map<Subscriptions, Membership> memberships = new HashMap<>(2);
    private final Map<GroupKey, Group> groupsByKey = new HashMap<>(2);
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, SharedPattern> patterns = new HashMap<>(2);
    private long round;
    private String epoch;
    private long last;                                                   // the last offset delivered here
    private boolean filling;                                             // reading a gap from the history
    private final ArrayDeque<Publication> held = new ArrayDeque<>(1);    // arrived while subscribing or filling; still charged

    /** Each pattern and how many members hold it; read by {@code server_info} from any thread. */
    private final ConcurrentHashMap<String, Integer> patternCounts = new ConcurrentHashMap<>(2);

    Channel(String name, Channels hub) {
        this.name = name;
        this.hub = hub;
        this.applyOnFanOut = () -> {
            if (!hub.fanOut(applyHere)) {
                applyQueued();
            }
        };
    }

    /**
     * Queues an operation, and applies the queue if nobody is applying it. False when the
     * channel has been retired (it had no members and its broker subscription ended): the
     * caller starts a new one.
     */
    boolean submit(Runnable operation) {
        return enqueue(operation, applyHere);
    }

    /**
     * Queues an inbound publication; a fan-out thread applies the queue if nobody is applying
     * it. False when the channel has been retired.
     */
    boolean submitPublication(Publication publication) {
        return enqueue(new Inbound(this, publication), applyOnFanOut);
    }

    /**
     * Completes {@code done} once what is queued now has been fanned out: at once when nothing
     * is (a publisher's thread never applies the queue for it). False when the channel has been
     * retired.
     */
    boolean submitCaughtUp(CompletableFuture<Void> done) {
        synchronized (lock) {
            if (retired) {
                return false;
            }
            if (applying) {
                operations.add(new CaughtUp(done));
                return true;
            }
        }
        done.complete(null);
        return true;
    }

    /** Queues an operation; when nobody is applying the queue, {@code startApplying} does. */
    private boolean enqueue(Runnable operation, Runnable startApplying) {
        synchronized (lock) {
            if (retired) {
                return false;
            }
            operations.add(operation);
            if (applying) {
                return true;
            }
            applying = true;
        }
        startApplying.run();
        return true;
    }

    private void applyQueued() {
        long started = System.nanoTime();
        Runnable next;
        while ((next = takeNext()) != null) {
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("Channel {}: an operation failed", name, e);
            } finally {
                batch.clear();
                caughtUp.clear();
            }
            if (System.nanoTime() - started > TURN_NANOS && yieldTurn()) {
                return;
            }
        }
    }

    /**
     * Hands what is still queued to the fan-out threads, behind the channels already waiting
     * for them; false when nothing is queued (this thread then finishes as usual) or the hub
     * has stopped (this thread goes on). The channel stays {@code applying}, so nobody else
     * starts on its queue meanwhile.
     */
    private boolean yieldTurn() {
        synchronized (lock) {
            if (operations.isEmpty()) {
                return false;
            }
        }
        return hub.fanOut(applyHere);
    }

    /**
     * The next operation (an inbound publication takes those queued behind it into the batch),
     * or null once the queue is empty: then this thread stops applying, and an idle channel
     * (its broker subscription ended with nobody left, whatever was applied after that, such
     * as publications in flight and publishers' waits) leaves the hub.
     */
    private Runnable takeNext() {
        synchronized (lock) {
            Runnable next = operations.poll();
            if (next instanceof Inbound first) {
                batch.add(first.publication());
                takeBatchLocked();
            }
            if (next != null) {
                return next;
            }
            applying = false;
            retired = state == State.NEW;
            if (!retired) {
                return null;
            }
        }
        hub.retired(this);
        return null;
    }

    // ---------------------------------------------------------------- members

    /**
     * A member adds a pattern. {@code joined} completes, once the member receives the channel,
     * with the position after which it receives every publication: the last one delivered
     * here, or {@code since} when that is later in the same epoch (the member recovered from
     * the history beyond this server's feed, and gets nothing twice).
     */
    void join(Subscriptions member, EventPattern pattern, boolean positioned, StreamPosition since, Runnable replyHere,
              CompletableFuture<Joined> joined) {
        Membership membership = memberships.computeIfAbsent(member, Membership::new);
        boolean added = membership.patterns.putIfAbsent(pattern.source(), pattern) == null;
        if (added) {
            patternCounts.merge(pattern.source(), 1, Integer::sum);
        }
        boolean positions = positioned && since == null;   // a since positions the member once admitted: it may be refused
        if (positions && membership.unconfirmed != null) {
            membership.unconfirmed.positioned = true;
        }
        if (added || positions && !membership.positioned) {
            membership.positioned |= positions;
            regroup(membership);
        }
        Join join = new Join(membership, since, replyHere, joined);
        switch (state) {
            case ACTIVE -> admit(join);
            case NEW -> {
                waiting.add(join);
                subscribeBroker();
            }
            default -> waiting.add(join);   // after the broker's answer
        }
    }

    /**
     * The member receives the channel from now on: its reply goes behind what it was handed so
     * far, and its join completes with its starting position. A since positions the member; one
     * ahead of this server's feed also raises its threshold, until {@link #checked} keeps or
     * undoes both.
     */
    private void admit(Join join) {
        join.replyHere().run();
        StreamPosition since = join.since();
        Membership membership = join.membership();
        if (since == null) {
            join.joined().complete(new Joined(new StreamState(epoch, last), false));
        } else if (since.epoch().equals(epoch) && since.offset() > last) {
            if (membership.unconfirmed == null) {
                membership.unconfirmed = new Unconfirmed(membership);
            }
            Skip skip = new Skip(epoch, since.offset());
            membership.unconfirmed.sinces.add(skip);
            membership.skip = farther(membership.skip, skip);
            setPositioned(membership, true);
            join.joined().complete(new Joined(new StreamState(epoch, since.offset()), true));
        } else {
            if (membership.unconfirmed != null) {
                membership.unconfirmed.positioned = true;
            }
            setPositioned(membership, true);
            join.joined().complete(new Joined(new StreamState(epoch, last), false));
        }
    }

    /**
     * The broker's check of a since that {@link #admit} took ahead of this server's feed: kept,
     * its member stays positioned and skips up to it; refused, the member is as it would be
     * without that since (its pattern, if the subscribe added one, is left separately).
     */
    void checked(Subscriptions member, long offset, boolean kept) {
        Membership membership = memberships.get(member);
        Unconfirmed unconfirmed = membership == null ? null : membership.unconfirmed;
        Skip since = unconfirmed == null ? null : unconfirmed.take(offset);
        if (since == null) {
            return;   // the member left the channel meanwhile
        }
        if (kept) {
            unconfirmed.positioned = true;
            unconfirmed.skip = farther(unconfirmed.skip, since);
        }
        Skip skip = unconfirmed.skip;
        for (Skip pending : unconfirmed.sinces) {
            skip = farther(skip, pending);
        }
        membership.skip = skip;
        setPositioned(membership, unconfirmed.positioned || !unconfirmed.sinces.isEmpty());
        if (unconfirmed.sinces.isEmpty()) {
            membership.unconfirmed = null;
        }
    }

    /** A member removes a pattern; nothing that only that pattern matched reaches it afterwards. */
    void leave(Subscriptions member, String pattern) {
        Membership membership = memberships.get(member);
        if (membership == null || membership.patterns.remove(pattern) == null) {
            return;
        }
        patternCounts.computeIfPresent(pattern, (p, count) -> count == 1 ? null : count - 1);
        removeFromGroup(membership);
        if (membership.patterns.isEmpty()) {
            memberships.remove(member);
        } else {
            addToGroup(membership);
        }
        if (memberships.isEmpty() && state == State.ACTIVE) {
            hub.fire(new ChannelDeactivated(name));
            unsubscribeBroker();
        }
    }

    // ---------------------------------------------------------------- publications

    /** Takes the publications queued next, and the waits for them to go out, up to a full batch. */
    private void takeBatchLocked() {
        while (batch.size() < MAX_BATCH) {
            Runnable next = operations.peek();
            if (next instanceof Inbound more) {
                batch.add(more.publication());
            } else if (next instanceof CaughtUp wait) {
                caughtUp.add(wait);
            } else {
                return;
            }
            operations.poll();
        }
    }

    /** The gathered batch goes out, then the waits taken with it complete. */
    private void publishBatch() {
        publishAll(batch);
        caughtUp.forEach(CaughtUp::run);
    }

    /**
     * Inbound publications, in offset order: a run of them that continues the feed goes out as
     * one batch; any other is taken alone, in its place.
     */
    private void publishAll(List<Publication> publications) {
        int from = 0;
        while (from < publications.size()) {
            int run = continuing(publications, from);
            if (run > 1) {
                List<Publication> next = publications.subList(from, from + run);
                deliver(next);
                last = next.get(run - 1).offset();
                next.forEach(publication -> hub.fannedOut(publication.message()));
                from += run;
            } else {
                publish(publications.get(from++));
            }
        }
    }

    /** How many publications from {@code from} on are the very next offsets of this epoch, nothing being held. */
    private int continuing(List<Publication> publications, int from) {
        if (state != State.ACTIVE || filling) {
            return 0;
        }
        int run = 0;
        while (from + run < publications.size()) {
            Publication next = publications.get(from + run);
            if (!next.epoch().equals(epoch) || next.offset() != last + 1 + run) {
                break;
            }
            run++;
        }
        return run;
    }

    /** An inbound publication: delivered in offset order, after any it skipped; its charge is released once done. */
    private void publish(Publication publication) {
        if (state == State.SUBSCRIBING || filling) {
            // Subscribing: the broker delivers from the moment it subscribed, and its confirmation
            // (with the position after which it delivers) may come after the first of them.
            held.add(publication);
            return;
        }
        if (state != State.ACTIVE) {
            hub.fannedOut(publication.message());   // nobody here was subscribed when it was published
            return;
        }
        if (accept(publication)) {
            hub.fannedOut(publication.message());
        }
    }

    /** Delivers a publication in its place; false when it waits (held) for the offsets it skipped. */
    private boolean accept(Publication publication) {
        if (!publication.epoch().equals(epoch)) {
            // The stream's history was lost: say so once, before anything of the new epoch.
            announce(new Frames.Range(last + 1, null, publication.epoch()));
            epoch = publication.epoch();
            last = 0;
        }
        if (publication.offset() <= last) {
            return true;   // already delivered (read from the history, or a duplicate)
        }
        if (publication.offset() > last + 1) {
            fill(publication);
            return false;
        }
        deliver(List.of(publication));
        last = publication.offset();
        return true;
    }

    /** Holds {@code next} and reads the offsets between the last delivered and it from the history. */
    private void fill(Publication next) {
        filling = true;
        held.addFirst(next);
        long from = last;
        long to = next.offset() - 1;
        int size = hub.historySize();
        if (size == 0) {
            submit(() -> filled(from, to, null));
            return;
        }
        long after = Math.max(from, to - size);   // anything earlier is no longer held
        hub.broker().history(name, after, (int) (to - after))
                .whenComplete((history, failure) -> {
                    if (failure != null) {
                        LOG.warn("Channel {}: could not read the history to fill offsets {} to {}: {}", name, from + 1, to, rootCause(failure).toString());
                    }
                    submit(() -> filled(from, to, failure == null ? history : null));
                });
    }

    /** Delivers what the history held between {@code from} and {@code to}, announces the rest, then what was held. */
    private void filled(long from, long to, History history) {
        filling = false;
        if (state != State.ACTIVE || last != from) {
            return;   // everyone left meanwhile: what was held is already released
        }
        if (history != null && history.state().epoch().equals(epoch)) {
            for (Publication found : history.publications()) {
                if (found.offset() <= last || found.offset() > to) {
                    continue;
                }
                if (found.offset() > last + 1) {
                    announce(new Frames.Range(last + 1, found.offset() - 1, null));
                }
                deliver(List.of(found));
                last = found.offset();
                hub.gapFilled();
            }
        }
        if (last < to) {
            announce(new Frames.Range(last + 1, to, null));
            last = to;
        }
        acceptHeld();
    }

    /** Delivers what was held, in order, until one of them waits for offsets it skipped. */
    private void acceptHeld() {
        while (!filling && !held.isEmpty()) {
            Publication next = held.poll();
            if (accept(next)) {
                hub.fannedOut(next.message());
            }
        }
    }

    /**
     * Delivers publications (consecutive, in order) to every member with a matching pattern,
     * each member's in one hand-over; positioned members get the frames with the offset.
     */
    private void deliver(List<Publication> publications) {
        Map<Group, FrameRun> runs = new HashMap<>();
        for (Publication publication : publications) {
            long current = ++round;
            EncodedMessage withOffset = null;
            for (Group group : groups) {
                if (!group.matches(publication.event(), current)) {
                    continue;
                }
                EncodedMessage frame = publication.message();
                if (group.key.positioned()) {
                    if (withOffset == null) {
                        withOffset = Frames.withOffset(frame, publication.offset());
                    }
                    frame = withOffset;
                }
                runs.computeIfAbsent(group, g -> new FrameRun(publications.size())).add(frame, publication.offset());
            }
        }
        int delivered = 0;
        for (Map.Entry<Group, FrameRun> run : runs.entrySet()) {
            delivered += send(run.getKey(), run.getValue());
        }
        hub.delivered(delivered);
    }

    /** Tells every positioned member where offsets are missing, or that the epoch changed. */
    private void announce(Frames.Range range) {
        FrameRun gap = new FrameRun(1);
        gap.add(hub.gapFrame(name, range), range.to() == null ? Long.MAX_VALUE : range.to());
        for (Group group : groups) {
            if (group.key.positioned()) {
                send(group, gap);
            }
        }
        hub.gapAnnounced();
    }

    /** Hands frames to a group's members, each without those it already has (see {@link Skip}). */
    private int send(Group group, FrameRun run) {
        int sent = 0;
        Membership[] members = group.members;
        for (int i = 0; i < group.size; i++) {
            Membership membership = members[i];
            List<EncodedMessage> frames = run.after(through(membership.skip));
            if (frames.isEmpty()) {
                continue;
            }
            Subscriber subscriber = membership.member.subscriber();
            try {
                subscriber.deliver(frames);
                sent += frames.size();
            } catch (RuntimeException e) {
                LOG.warn("Delivery to connection {} failed", subscriber.id(), e);
            }
        }
        return sent;
    }

    /** How far a skip reaches in the current epoch: nowhere once the stream has started over. */
    private long through(Skip skip) {
        // Checked per member on every delivery: most members skip nothing, which costs no string comparison.
        return skip != Skip.NOTHING && skip.epoch().equals(epoch) ? skip.offset() : 0;
    }

    /** Whichever of two skips reaches farther in the current epoch. */
    private Skip farther(Skip one, Skip other) {
        return through(one) >= through(other) ? one : other;
    }

    private void dropHeld() {
        filling = false;
        while (!held.isEmpty()) {
            hub.fannedOut(held.poll().message());
        }
    }

    // ---------------------------------------------------------------- broker subscription

    private void subscribeBroker() {
        state = State.SUBSCRIBING;
        hub.broker().subscribe(name)
                .whenComplete((stream, failure) -> submit(() -> subscribed(stream, failure)));
    }

    private void subscribed(StreamState stream, Throwable failure) {
        List<Join> answered = List.copyOf(waiting);
        waiting.clear();
        if (failure != null) {
            hub.refusals().refused(name, rootCause(failure));
            // Everyone here waited for this attempt: they all fail, and their records go.
            clearMembers();
            unsubscribeBroker();   // the broker may have subscribed after all
            CompletionException refused = new CompletionException(new CannotSubscribe("not confirmed", failure));
            answered.forEach(join -> join.joined().completeExceptionally(refused));
            return;
        }
        hub.refusals().confirmed();
        // Joins answered when everyone has left already still get a position.
        epoch = stream.epoch();
        last = stream.offset();
        if (memberships.isEmpty()) {
            unsubscribeBroker();
        } else {
            state = State.ACTIVE;
            hub.fire(new ChannelActivated(name));
        }
        answered.forEach(this::admit);
        acceptHeld();   // those up to the confirmed position are before every member's: accept lets them go
    }

    /** Lets go of a broker subscription this channel did not ask for (see {@code Channels.onPublication}), unless someone holds it now. */
    void letGo() {
        if (state == State.NEW && memberships.isEmpty()) {
            unsubscribeBroker();
        }
    }

    /** Lets go of the broker subscription, and of what was held for the members. */
    private void unsubscribeBroker() {
        dropHeld();
        state = State.UNSUBSCRIBING;
        hub.broker().unsubscribe(name)
                .whenComplete((ok, failure) -> submit(() -> unsubscribed(failure)));
    }

    private void unsubscribed(Throwable failure) {
        if (failure != null) {
            LOG.debug("The broker did not confirm unsubscribing channel {}", name, failure);
        }
        if (!memberships.isEmpty()) {
            subscribeBroker();   // members joined while the broker let go; they are waiting
            return;
        }
        state = State.NEW;   // retired once the queue is applied, unless a join comes first
    }

    // ---------------------------------------------------------------- groups

    /** Whether the member's messages carry their offsets; a member that left the channel keeps out of the groups. */
    private void setPositioned(Membership membership, boolean positioned) {
        if (membership.positioned != positioned && memberships.get(membership.member) == membership) {
            membership.positioned = positioned;
            regroup(membership);
        }
    }

    /** Moves a member to the group of its current patterns and wish for positions. */
    private void regroup(Membership membership) {
        if (membership.group != null) {
            removeFromGroup(membership);
        }
        addToGroup(membership);
    }

    /** Puts a member in the group of its current pattern set, creating the group if needed. */
    private void addToGroup(Membership membership) {
        GroupKey key = new GroupKey(List.copyOf(membership.patterns.keySet()), membership.positioned);
        Group group = groupsByKey.computeIfAbsent(key, k -> newGroup(k, membership.patterns));
        if (group.size == group.members.length) {
            group.members = Arrays.copyOf(group.members, group.size * 2);
        }
        membership.group = group;
        membership.index = group.size;
        group.members[group.size++] = membership;
    }

    private Group newGroup(GroupKey key, Map<String, EventPattern> compiled) {
        SharedPattern[] shared = new SharedPattern[key.patterns().size()];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = patterns.computeIfAbsent(key.patterns().get(i), source -> new SharedPattern(compiled.get(source)));
            shared[i].groups++;
        }
        Group group = new Group(key, shared);
        group.index = groups.size();
        groups.add(group);
        return group;
    }

    private void removeFromGroup(Membership membership) {
        Group group = membership.group;
        membership.group = null;
        Membership last = group.members[--group.size];
        group.members[membership.index] = last;
        last.index = membership.index;
        group.members[group.size] = null;
        if (group.size > 0) {
            return;
        }
        groupsByKey.remove(group.key);
        Group moved = groups.remove(groups.size() - 1);
        if (moved != group) {
            groups.set(group.index, moved);
            moved.index = group.index;
        }
        for (SharedPattern shared : group.patterns) {
            if (--shared.groups == 0) {
                patterns.remove(shared.pattern.source());
            }
        }
    }

    private void clearMembers() {
        memberships.clear();
        groupsByKey.clear();
        groups.clear();
        patterns.clear();
        patternCounts.clear();
    }

    // ---------------------------------------------------------------- reading

    String name() {
        return name;
    }

    /** Each pattern and how many local members hold it; a weakly consistent snapshot. */
    Map<String, Integer> patternCounts() {
        return Map.copyOf(patternCounts);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
