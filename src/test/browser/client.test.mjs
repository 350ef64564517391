// stream.js's own promises, in Chromium against the server jar: subscriptions that share a
// pattern, closing from a listener, frames it cannot use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openConsole, serverAndBrowser } from "./harness.mjs";

const started = serverAndBrowser();

test("unsubscribing while another subscribe of the same pattern awaits its reply leaves the pattern on the server", async () => {
  const page = await openConsole(started.browser, started.server);
  await page.evaluate(async () => {
    const { connect } = await import("/stream.js");
    const client = (window.shared = connect(window.streamClient.url));
    await new Promise((open) => client.on("open", open));
    const first = await client.subscribe("shared", "*", () => {});
    window.received = [];
    const second = client.subscribe("shared", "*", (message) => window.received.push(message.data.n));
    // Sent before the second subscribe's reply can come: the server took that one as already held.
    await first.unsubscribe();
    await second;
    for (let n = 1; n <= 3; n++) await client.publish("shared", "tick", { n });
  });
  await page.waitForFunction(() => window.received.length === 3);
  assert.deepEqual(await page.evaluate(() => window.received), [1, 2, 3]);
  await page.evaluate(() => window.shared.close());
  await page.close();
});

for (const listener of ["close", "reconnecting"]) {
  test(`close() from a "${listener}" listener after a drop stops the client for good`, async () => {
    const page = await openConsole(started.browser, started.server);
    const outcome = await page.evaluate(async (listener) => {
      const { connect } = await import("/stream.js");
      // No delay before reconnecting: a reconnect would be under way by the next timer.
      const client = connect(window.streamClient.url, { minDelay: 0, maxDelay: 0 });
      await new Promise((open) => client.on("open", open));
      const events = [];
      client.on("open", () => events.push("open"));
      client.on("close", () => events.push(`close ${client.state}`));
      client.on("reconnecting", () => events.push("reconnecting"));
      const dropped = client.ws;
      await new Promise((closed) => {
        client.on(listener, () => {
          if (client.state !== "closed") {
            client.close();
            closed();
          }
        });
        dropped.close();     // the connection drops
      });
      // A marker timer, after the reconnect the client would have scheduled.
      await new Promise((later) => setTimeout(later, 10));
      const rpc = await client.rpc("echo", {}).then(() => "answered", (error) => error.message);
      return { events, state: client.state, sameSocket: client.ws === dropped, rpc };
    }, listener);
    assert.equal(outcome.state, "closed");
    assert.ok(outcome.sameSocket, "the client opened a new connection");
    assert.equal(outcome.rpc, "Connection closed");
    assert.ok(!outcome.events.includes("open"), `events: ${outcome.events}`);
    assert.equal(outcome.events.at(-1), "close closed");
    await page.close();
  });
}

test("frames that are not objects, and an error reply without its error, fail nothing else", async () => {
  const pageErrors = [];
  let toPage;
  const page = await openConsole(started.browser, started.server, (route) => {
    toPage = route;
    const toServer = route.connectToServer();
    toServer.onMessage((text) => {
      const frame = JSON.parse(text);
      route.send(frame.response?.spoil ? JSON.stringify({ id: frame.id, error: null }) : text);
    });
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  for (const frame of ["null", "5", '"text"', "[]", "{"]) toPage.send(frame);
  // Its own timeout must not be what ends the call: a call whose reply came must settle with it.
  const spoiled = await page.evaluate(() => Promise.race([
    window.streamClient.rpc("echo", { spoil: true }, { timeout: 60000 }).then(() => "answered", (error) => error.message),
    new Promise((stuck) => setTimeout(() => stuck("not settled 20 s after its reply"), 20000))]));
  assert.equal(spoiled, "Malformed error reply");
  assert.deepEqual(await page.evaluate(() => window.streamClient.rpc("echo", { n: 1 })), { n: 1 });
  assert.deepEqual(pageErrors, []);
  await page.close();
});
