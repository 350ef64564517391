// StreamRPC browser client: a dependency-free ES module.
//
//   import { connect } from "/stream.js";
//   const c = connect("ws://localhost:8080/stream", { timeout: 10000 });
//   c.addEventListener("open", () => ...);            // also "close" and "reconnecting"
//   const reply = await c.rpc("echo", { hi: 1 }, { timeout: 5000 });
//   const sub = await c.subscribe("prices", "trade.*", (msg) => ...);   // msg.offset: its place in the channel
//   sub.on("lost", ({ reason }) => ...);               // messages missed for good, see Subscription
//   await sub.unsubscribe();
//   await c.publish("prices", "trade.btc", { price: 1 });
//   c.close();
//
// After a dropped connection it reconnects with exponential backoff and jitter and restores
// every active subscription. Each channel resumes where it left off (protocol version 2): the
// handlers get what was published meanwhile, in order and once, before the live messages, or
// the subscriptions are told that it was lost. Calls made while disconnected wait in a bounded
// queue (whenDisconnected: "queue", the default) or fail at once ("reject").

const DEFAULTS = {
  timeout: 10000,          // ms before a pending call fails
  whenDisconnected: "queue",
  queueLimit: 100,         // calls that may wait for a connection
  minDelay: 250,           // first reconnect delay, ms
  maxDelay: 10000,         // longest reconnect delay, ms
  protocols: undefined,    // WebSocket subprotocols, passed as they are
};

/** An RPC failure: `message` is the server's text, `errors` its field errors (or {}). */
class RpcError extends Error {
  constructor(message, errors) {
    super(message);
    this.name = "RpcError";
    this.errors = errors || {};
  }
}

/** Redis PSUBSCRIBE glob semantics, as the server matches them (see PROTOCOL.md). */
function globToRegExp(pattern) {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else if (c === "\\") source += escapeChar(pattern[++i] ?? "\\");
    else if (c === "[") {
      // Members up to the first unescaped "]"; "\\x" is x itself, "a-z" a range.
      const members = [];
      let j = i + 1;
      const negated = pattern[j] === "^";
      if (negated) j++;
      while (j < pattern.length && pattern[j] !== "]") {
        if (pattern[j] === "\\") j++;
        members.push(pattern[j++]);
        if (pattern[j] === "-" && j + 1 < pattern.length && pattern[j + 1] !== "]") {
          members.push("-");
          j++;
          if (pattern[j] === "\\") j++;
          members.push(pattern[j++]);
        }
      }
      if (j >= pattern.length || members.length === 0 || members.includes(undefined)) return null;
      let cls = "";
      for (let k = 0; k < members.length; k++) {
        if (members[k + 1] === "-" && k + 2 < members.length) {
          let [from, to] = [members[k], members[k + 2]];
          if (from > to) [from, to] = [to, from];
          cls += escapeChar(from) + "-" + escapeChar(to);
          k += 2;
        } else {
          cls += escapeChar(members[k]);
        }
      }
      source += "[" + (negated ? "^" : "") + cls + "]";
      i = j;
    } else source += escapeChar(c);
  }
  return new RegExp("^" + source + "$", "u");
}

function escapeChar(c) {
  return "\\u{" + c.codePointAt(0).toString(16) + "}";
}

/**
 * What `subscribe` resolves with. Its handler receives the channel's messages whose event
 * matches the pattern until `unsubscribe()`; it survives reconnections.
 */
class Subscription {
  constructor(client, channel, pattern, matcher, handler, after) {
    this.client = client;
    this.channel = channel;
    this.pattern = pattern;
    this.key = JSON.stringify([channel, pattern]);
    this.matcher = matcher;
    this.handler = handler;
    this.after = after;          // the channel's position when subscribed, or null (version 1)
    this.lostListeners = new Set();
  }

  /**
   * Registers a listener told, in order with the messages, when this subscription missed
   * messages that could not be recovered; returns a function that removes it. The only event
   * is "lost", with a detail `{ reason }`: `epoch`, `trimmed`, `limit` or `off` when the server
   * could not resume after a reconnection; `gap` (with `from` and `to`) when the server could
   * not deliver those offsets; `epoch` (with `from` and the new `epoch`) when the channel's
   * history was lost while subscribed; `unsupported` after a reconnection to a server that
   * keeps no positions (protocol version 1); `refused` when subscribing again failed (the
   * client tries again on the next connection).
   */
  on(type, listener) {
    if (type !== "lost") throw new TypeError(`A subscription has no "${type}" event, only "lost"`);
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Stops the handler and tells the server, unless another subscription holds the same channel and pattern. */
  unsubscribe() {
    return this.client.unsubscribed(this);
  }

  /** False for a message published before this subscription was made: another pattern's recovery brought it. */
  wants(message, route) {
    if (!this.matcher.test(message.event)) return false;
    const after = this.after;
    return !after || after.epoch !== route.epoch || typeof message.offset !== "number" || message.offset > after.offset;
  }

  lost(detail) {
    for (const listener of this.lostListeners) {
      try {
        listener(detail);
      } catch (error) {
        console.error("stream.js: a lost listener failed", error);
      }
    }
  }
}

/**
 * One channel: its subscriptions and its position in the channel's stream. `epoch` is null
 * until the server reports a position (a version 1 server never does); `offset` is the last
 * offset handed to the handlers, or known to be behind us.
 */
class Route {
  constructor(channel) {
    this.channel = channel;
    this.subs = new Set();
    this.epoch = null;
    this.offset = 0;
    this.recovery = null;        // while resubscribing after a reconnect
  }

  /** Takes the position of a subscribe reply, unless the channel already has one. */
  adopt(response) {
    const position = response?.position;
    if (position && this.epoch === null) {
      this.epoch = position.epoch;
      this.offset = position.offset;
    }
  }

  /** True when the message is new: it has no offset, or one after the last, which it becomes. */
  advance(message) {
    if (this.epoch === null || typeof message.offset !== "number") return true;
    if (message.offset <= this.offset) return false;
    this.offset = message.offset;
    return true;
  }
}

/**
 * The resubscribes of one positioned channel on a new connection, one per pattern, each with
 * `since` the channel's position. Each reply recovers only what matched its own pattern, up
 * to its own position, while the patterns restored first already receive live messages; so
 * the channel's live messages are held until the last reply, and then everything is merged in
 * offset order, without repeats. The hold lasts one round trip. Nothing older comes after the
 * last reply: the server sends every message at or before a reply's position ahead of it.
 */
class Recovery {
  constructor(route, replies) {
    this.awaiting = replies;
    this.since = { epoch: route.epoch, offset: route.offset };
    this.held = [];
    this.position = null;        // the latest position a reply reported
    this.positioned = true;      // false once a reply came without a position (version 1)
  }

  /** Takes in one reply; returns why its pattern missed messages, or null when it recovered them all. */
  take(channel, response) {
    const position = response?.position;
    if (!position) {
      this.positioned = false;
      return "unsupported";
    }
    if (!this.position || position.offset > this.position.offset) this.position = position;
    if (response.recovered !== true) return response.reason || "unknown";
    for (const { event, data, offset } of response.publications || []) this.held.push({ channel, event: event ?? "", data, offset });
    return null;
  }

  /**
   * What to deliver once every reply is in, messages and held gaps (`{ gap }`), in offset
   * order, each offset once. Starts from `since`, not from the route's offset: nothing else
   * moves it meanwhile. Moves the route's position on.
   */
  finish(route) {
    if (!this.positioned) {
      route.epoch = null;        // a version 1 server: no offsets from now on
      return this.held;
    }
    const sameEpoch = !this.position || this.position.epoch === this.since.epoch;
    if (this.position) route.epoch = this.position.epoch;
    let last = sameEpoch ? this.since.offset : 0;
    const ready = [];
    for (const entry of this.held.sort((a, b) => a.offset - b.offset)) {
      const through = entry.gap ? entry.gap.to : entry.offset;
      if (through > last) {
        ready.push(entry);
        last = through;
      }
    }
    route.offset = Math.max(last, this.position ? this.position.offset : 0);
    return ready;
  }
}

class StreamClient extends EventTarget {
  constructor(url, options) {
    super();
    this.url = url;
    this.options = { ...DEFAULTS, ...options };
    this.state = "connecting";   // connecting | open | reconnecting | closed
    this.nextId = 1;
    this.pending = new Map();    // id -> { resolve, reject, timer }
    this.queue = [];             // calls waiting for a connection
    this.joining = new Map();    // key of channel and pattern -> subscribes of it awaiting their reply
    this.channels = new Map();   // channel -> Route
    this.attempt = 0;
    this.closedByUser = false;
    this.open();
  }

  /** Registers a listener for "open", "close" or "reconnecting"; returns a function that removes it. */
  on(type, listener) {
    const wrapped = (event) => listener(event.detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  open() {
    const ws = new WebSocket(this.url, this.options.protocols);
    this.ws = ws;
    ws.onopen = () => this.opened(ws);
    ws.onmessage = (event) => this.received(event.data);
    ws.onclose = (event) => this.dropped(ws, event);
  }

  async opened(ws) {
    if (ws !== this.ws) return;
    this.state = "open";
    this.attempt = 0;
    // Restore every active subscription before anything queued goes out.
    const restore = [...this.channels.values()].flatMap((route) => this.restore(ws, route));
    // Queued calls count as sent once flushed: their replies may now come.
    for (const call of this.queue.splice(0)) {
      call.sent = true;
      ws.send(call.frame);
    }
    this.emit("open", { url: this.url });
    await Promise.all(restore);
  }

  /** Subscribes each pattern of a channel again: `since` its position when it has one, else asking for one. */
  restore(ws, route) {
    const patterns = [...new Set([...route.subs].map((sub) => sub.pattern))];
    const recovery = route.epoch === null ? null : new Recovery(route, patterns.length);
    route.recovery = recovery;
    return patterns.map((pattern) => {
      const payload = { channel: route.channel, event: pattern };
      if (recovery) payload.since = recovery.since;
      else payload.position = true;
      return this.call("subscribe", payload, {}, true).then(
        (response) => this.restored(route, recovery, pattern, response, null),
        // A refusal or a timeout; a dropped connection ends the recovery by itself (dropped).
        () => { if (ws === this.ws && this.state === "open") this.restored(route, recovery, pattern, null, "refused"); });
    });
  }

  /** A resubscribe's reply: tells its pattern's subscriptions what they lost; the channel's last reply ends its recovery. */
  restored(route, recovery, pattern, response, failure) {
    if (recovery !== route.recovery) return;     // from a connection that has dropped since
    if (!recovery) route.adopt(response);
    const lost = failure ?? (recovery ? recovery.take(route.channel, response) : "unsupported");
    if (lost) this.tellLost([...route.subs].filter((sub) => sub.pattern === pattern), { reason: lost });
    if (!recovery || --recovery.awaiting > 0) return;
    route.recovery = null;
    for (const entry of recovery.finish(route)) {
      if (entry.gap) this.tellLost([...route.subs], { reason: "gap", ...entry.gap });
      else this.dispatch(route, entry);
    }
  }

  dropped(ws, event) {
    if (ws !== this.ws) return;
    const detail = { code: event.code, reason: event.reason };
    // What a recovery held is asked for again, since the same position, on the next connection.
    for (const route of this.channels.values()) route.recovery = null;
    if (this.closedByUser) {
      this.state = "closed";
      this.failAll(new RpcError("Connection closed"));
      this.emit("close", detail);
      return;
    }
    this.state = "reconnecting";
    this.emit("close", detail);
    if (this.closedByUser) return;     // a listener closed the client: close() has finished the job
    // Calls already sent have no reply coming: fail them rather than wait for a timeout.
    for (const [id, call] of this.pending) {
      if (call.sent) {
        this.pending.delete(id);
        clearTimeout(call.timer);
        call.reject(new RpcError("Connection lost"));
      }
    }
    const { minDelay, maxDelay } = this.options;
    const ceiling = Math.min(maxDelay, minDelay * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);   // jitter: half to all of it
    this.attempt++;
    this.emit("reconnecting", { attempt: this.attempt, delay });
    if (!this.closedByUser) this.retry = setTimeout(() => this.open(), delay);
  }

  received(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) return;
    if ("channel" in message && !("id" in message) && !("method" in message)) {
      if (message.gap && typeof message.gap === "object") this.gap(message.channel, message.gap);
      else this.deliver(message);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if ("error" in message) call.reject(new RpcError(message.error?.message ?? "Malformed error reply", message.error?.errors));
    else call.resolve(message.response);
  }

  /** A message frame: handed out unless already seen, or held while its channel recovers. */
  deliver(message) {
    const route = this.channels.get(message.channel);
    if (!route) return;
    if (route.recovery) route.recovery.held.push(message);
    else if (route.advance(message)) this.dispatch(route, message);
  }

  /** Hands a message to every matching subscription's handler, each handler at most once. */
  dispatch(route, message) {
    const called = new Set();
    for (const sub of route.subs) {
      if (!called.has(sub.handler) && sub.wants(message, route)) {
        called.add(sub.handler);
        try {
          sub.handler(message);
        } catch (error) {
          console.error("stream.js: a subscription handler failed", error);
        }
      }
    }
  }

  /** The server could not deliver some offsets of a channel, or the channel's history was lost (a new epoch). */
  gap(channel, { from, to, epoch }) {
    const route = this.channels.get(channel);
    if (!route) return;
    if (typeof epoch === "string") {
      route.epoch = epoch;
      route.offset = 0;
      this.tellLost([...route.subs], { reason: "epoch", from, epoch });
    } else if (route.recovery && typeof from === "number" && typeof to === "number") {
      // Told in its place among what the recovery brings back, once the channel's replies are in.
      route.recovery.held.push({ gap: { from, to }, offset: from });
    } else {
      if (typeof to === "number") route.offset = Math.max(route.offset, to);
      this.tellLost([...route.subs], { reason: "gap", from, to });
    }
  }

  tellLost(subs, detail) {
    subs.forEach((sub) => sub.lost(detail));
  }

  /** Calls an RPC method; resolves with its response, rejects with an RpcError. */
  rpc(method, payload = {}, { timeout } = {}) {
    return this.call(method, payload, { timeout }, false);
  }

  call(method, payload, { timeout } = {}, restoring) {
    return new Promise((resolve, reject) => {
      if (this.state === "closed") {
        reject(new RpcError("Connection closed"));
        return;
      }
      const id = this.nextId++;
      const frame = JSON.stringify({ id, method, payload });
      const connected = this.state === "open" && this.ws.readyState === WebSocket.OPEN;
      if (!connected && !restoring) {
        if (this.options.whenDisconnected === "reject") {
          reject(new RpcError("Not connected"));
          return;
        }
        if (this.queue.length >= this.options.queueLimit) {
          reject(new RpcError("Too many calls waiting for a connection"));
          return;
        }
      }
      const call = { resolve, reject, frame, sent: connected || restoring };
      call.timer = setTimeout(() => {
        this.pending.delete(id);
        const waiting = this.queue.indexOf(call);
        if (waiting >= 0) this.queue.splice(waiting, 1);
        reject(new RpcError("Timed out"));
      }, timeout ?? this.options.timeout);
      this.pending.set(id, call);
      if (call.sent) this.ws.send(frame);
      else this.queue.push(call);
    });
  }

  /**
   * Subscribes a handler to a channel's events matching a glob pattern (default "*"). It asks
   * for positions: when the server keeps them, each message carries its `offset` in the channel.
   */
  async subscribe(channel, eventPattern = "*", handler) {
    if (typeof eventPattern === "function") [eventPattern, handler] = ["*", eventPattern];
    const matcher = globToRegExp(eventPattern);
    if (!matcher) throw new RpcError("Invalid RPC parameters", { event: "Invalid event pattern" });
    // Until its reply, the pattern counts as held: the server may have taken this subscribe
    // as one it already had, and an unsubscribe of the other meanwhile would remove it.
    const key = JSON.stringify([channel, eventPattern]);
    this.joining.set(key, (this.joining.get(key) ?? 0) + 1);
    let response;
    try {
      response = await this.rpc("subscribe", { channel, event: eventPattern, position: true });
    } finally {
      if (this.joining.get(key) === 1) this.joining.delete(key);
      else this.joining.set(key, this.joining.get(key) - 1);
    }
    // No message can come between the reply and here: this runs before the next frame is read.
    const route = this.channels.get(channel) ?? new Route(channel);
    this.channels.set(channel, route);
    route.adopt(response);
    const sub = new Subscription(this, channel, eventPattern, matcher, handler, response?.position ?? null);
    route.subs.add(sub);
    return sub;
  }

  /** Forgets a subscription; tells the server when no other one holds its channel and pattern. */
  async unsubscribed(sub) {
    const route = this.channels.get(sub.channel);
    if (!route || !route.subs.delete(sub)) return;
    if (route.subs.size === 0) this.channels.delete(sub.channel);
    const stillWanted = this.joining.has(sub.key) || [...route.subs].some((other) => other.key === sub.key);
    if (!stillWanted && this.state === "open") {
      await this.rpc("unsubscribe", { channel: sub.channel, event: sub.pattern }).catch(() => undefined);
    }
  }

  /** Publishes data to a channel with an optional event name. */
  publish(channel, event, data) {
    const payload = { channel, data: data === undefined ? null : data };
    if (event !== undefined && event !== null) payload.event = event;
    return this.rpc("publish", payload);
  }

  /** Closes for good: no reconnect, pending calls fail. */
  close() {
    this.closedByUser = true;
    clearTimeout(this.retry);
    if (this.ws.readyState === WebSocket.CLOSED) this.dropped(this.ws, { code: 1000, reason: "" });
    else this.ws.close(1000, "bye");
  }

  failAll(error) {
    for (const [, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
    this.queue.length = 0;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** Opens a client on a StreamRPC endpoint, such as ws://localhost:8080/stream. */
export function connect(url, options = {}) {
  return new StreamClient(url, options);
}
