// StreamRPC browser client: a dependency-free ES module.
//
//   import { connect } from "/stream.js";
//   const c = connect("ws://localhost:8080/stream", { timeout: 10000 });
//   c.addEventListener("open", () => ...);            // also "close" and "reconnecting"
//   const reply = await c.rpc("echo", { hi: 1 }, { timeout: 5000 });
//   const sub = await c.subscribe("prices", "trade.*", (msg) => ...);
//   await sub.unsubscribe();
//   await c.publish("prices", "trade.btc", { price: 1 });
//   c.close();
//
// After a dropped connection it reconnects with exponential backoff and jitter and restores
// every active subscription. Calls made while disconnected wait in a bounded queue
// (whenDisconnected: "queue", the default) or fail at once ("reject").

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

class StreamClient extends EventTarget {
  constructor(url, options) {
    super();
    this.url = url;
    this.options = { ...DEFAULTS, ...options };
    this.state = "connecting";   // connecting | open | reconnecting | closed
    this.nextId = 1;
    this.pending = new Map();    // id -> { resolve, reject, timer }
    this.queue = [];             // frames waiting for a connection
    this.subscriptions = new Set();
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
    const restore = [...new Set([...this.subscriptions].map((s) => s.key))].map((key) => {
      const [channel, pattern] = JSON.parse(key);
      return this.call("subscribe", { channel, event: pattern }, {}, true).catch(() => undefined);
    });
    const waiting = this.queue.splice(0);
    waiting.forEach((frame) => ws.send(frame));
    this.emit("open", { url: this.url });
    await Promise.all(restore);
  }

  dropped(ws, event) {
    if (ws !== this.ws) return;
    const detail = { code: event.code, reason: event.reason };
    if (this.closedByUser) {
      this.state = "closed";
      this.failAll(new RpcError("Connection closed"));
      this.emit("close", detail);
      return;
    }
    this.state = "reconnecting";
    this.emit("close", detail);
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
    this.retry = setTimeout(() => this.open(), delay);
  }

  received(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if ("channel" in message && !("id" in message) && !("method" in message)) {
      this.deliver(message);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if ("error" in message) call.reject(new RpcError(message.error.message, message.error.errors));
    else call.resolve(message.response);
  }

  /** Hands a message to every matching subscription's handler, each handler at most once. */
  deliver(message) {
    const called = new Set();
    for (const sub of this.subscriptions) {
      if (sub.channel === message.channel && sub.matcher.test(message.event) && !called.has(sub.handler)) {
        called.add(sub.handler);
        try {
          sub.handler(message);
        } catch (error) {
          console.error("stream.js: a subscription handler failed", error);
        }
      }
    }
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
      const call = { resolve, reject, sent: connected || restoring };
      call.timer = setTimeout(() => {
        this.pending.delete(id);
        const waiting = this.queue.indexOf(frame);
        if (waiting >= 0) this.queue.splice(waiting, 1);
        reject(new RpcError("Timed out"));
      }, timeout ?? this.options.timeout);
      this.pending.set(id, call);
      if (call.sent) this.ws.send(frame);
      else {
        this.queue.push(frame);
        // Queued calls count as sent once the connection opens and flushes them.
        this.addEventListener("open", () => { call.sent = true; }, { once: true });
      }
    });
  }

  /** Subscribes a handler to a channel's events matching a glob pattern (default "*"). */
  async subscribe(channel, eventPattern = "*", handler) {
    if (typeof eventPattern === "function") [eventPattern, handler] = ["*", eventPattern];
    const matcher = globToRegExp(eventPattern);
    if (!matcher) throw new RpcError("Invalid RPC parameters", { event: "Invalid event pattern" });
    await this.rpc("subscribe", { channel, event: eventPattern });
    const sub = {
      channel,
      pattern: eventPattern,
      key: JSON.stringify([channel, eventPattern]),
      matcher,
      handler,
      unsubscribe: async () => {
        if (!this.subscriptions.delete(sub)) return;
        const stillWanted = [...this.subscriptions].some((other) => other.key === sub.key);
        if (!stillWanted && this.state === "open") {
          await this.rpc("unsubscribe", { channel, event: eventPattern }).catch(() => undefined);
        }
      },
    };
    this.subscriptions.add(sub);
    return sub;
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
