// stream.js and the console page in real headless Chromium, against the embedded server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, ServerJar, freePort, launchChromium, openConsole as open } from "./harness.mjs";

let server;
let port;
let browser;

const openConsole = () => open(browser, server);
const startServer = () => server.start();
const stopServer = () => server.stop();

before(async () => {
  port = await freePort();
  server = new ServerJar(port);
  await server.start();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server.stop();
});

test("an RPC round trip and an RPC error through stream.js", async () => {
  const page = await openConsole();
  const result = await page.evaluate(async () => {
    const { connect } = await import("/stream.js");
    const client = connect(`ws://${location.host}/stream`);
    const echoed = await client.rpc("echo", { hello: "browser" }, { timeout: 5000 });
    let failure;
    try {
      await client.rpc("subscribe", { channel: "Not Allowed" });
    } catch (error) {
      failure = { name: error.name, message: error.message, errors: error.errors };
    }
    let timedOut;
    try {
      await client.rpc("echo", {}, { timeout: 0 });
    } catch (error) {
      timedOut = error.message;
    }
    client.close();
    return { echoed, failure, timedOut };
  });
  assert.deepEqual(result.echoed, { hello: "browser" });
  assert.deepEqual(result.failure, { name: "RpcError", message: "Invalid RPC parameters", errors: { channel: "Invalid channel" } });
  assert.equal(result.timedOut, "Timed out");
  await page.close();
});

test("the console page calls a method and shows the reply and an error", async () => {
  const page = await openConsole();
  await page.fill("#rpc-method", "echo");
  await page.fill("#rpc-payload", '{"n": 7}');
  await page.click("#rpc-form button");
  await page.waitForFunction(() => document.getElementById("rpc-reply").textContent.includes('"n": 7'));
  await page.fill("#rpc-method", "nope");
  await page.click("#rpc-form button");
  await page.waitForFunction(() => document.getElementById("rpc-reply").textContent.includes("nope method not available"));
  assert.equal(await page.getAttribute("#rpc-reply", "class"), "error");
  await page.close();
});

test("subscribe on one page and publish from another, through the console", async () => {
  const reader = await openConsole();
  const writer = await openConsole();
  await reader.fill("#sub-channel", "prices");
  await reader.fill("#sub-pattern", "trade.*");
  await reader.click("#subscribe-form button");
  await reader.waitForSelector("#subscriptions li:has-text('prices · trade.*')");

  await writer.fill("#pub-channel", "prices");
  await writer.fill("#pub-event", "trade.btc");
  await writer.fill("#pub-data", '{"price": 42}');
  await writer.click("#publish-form button");
  await writer.waitForFunction(() => document.getElementById("publish-reply").textContent.includes('"price": 42'));

  await reader.waitForSelector('#messages li:has-text(\'{"channel":"prices","event":"trade.btc","data":{"price":42}}\')');
  // The reader publishes too, and receives its own message.
  await reader.fill("#pub-event", "trade.eth");
  await reader.fill("#pub-data", '{"price": 7}');
  await reader.click("#publish-form button");
  await reader.waitForSelector('#messages li:has-text(\'{"channel":"prices","event":"trade.eth","data":{"price":7}}\')');
  assert.equal(await reader.locator("#messages li").count(), 2);
  await reader.screenshot({ path: join(SHOTS, "console.png"), fullPage: true });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await phone.goto(`http://127.0.0.1:${port}/`);
  await phone.screenshot({ path: join(SHOTS, "console-phone.png"), fullPage: true });
  await Promise.all([reader.close(), writer.close(), phone.close()]);
});

test("pattern subscriptions receive only matching events, each handler once", async () => {
  const page = await openConsole();
  await page.evaluate(async () => {
    const { connect } = await import("/stream.js");
    const client = connect(`ws://${location.host}/stream`);
    window.patternClient = client;
    const got = (window.got = { trades: [], all: [], shared: [] });
    await new Promise((ready) => client.on("open", ready));
    await client.subscribe("ticks", "trade.*", (m) => got.trades.push(m.event));
    await client.subscribe("ticks", "*", (m) => got.all.push(m.event));
    const shared = (m) => got.shared.push(m.event);
    await client.subscribe("ticks", "trade.?tc", shared);
    await client.subscribe("ticks", "trade.b*", shared);   // same handler twice: called once
    for (const event of ["trade.btc", "quote.btc", "trade.eth"]) await client.publish("ticks", event, 1);
    await client.publish("ticks", null, "no event");
    await client.publish("ticks", "marker", "last");
  });
  // Messages arrive in publish order: once the catch-all handler has the marker, every handler
  // has been called for everything published before it, duplicates included.
  await page.waitForFunction(() => window.got.all.includes("marker"));
  const seen = await page.evaluate(() => {
    window.patternClient.close();
    return window.got;
  });
  assert.deepEqual(seen.trades, ["trade.btc", "trade.eth"]);
  assert.deepEqual(seen.all, ["trade.btc", "quote.btc", "trade.eth", "", "marker"]);
  assert.deepEqual(seen.shared, ["trade.btc"]);
  await page.close();
});

test("after a server restart the page reconnects, restores its subscriptions and receives again", async () => {
  const page = await openConsole();
  await page.fill("#sub-channel", "restart");
  await page.fill("#sub-pattern", "*");
  await page.click("#subscribe-form button");
  await page.waitForSelector("#subscriptions li:has-text('restart · *')");
  await page.evaluate(() => {
    window.events = [];
    for (const type of ["open", "close", "reconnecting"]) window.streamClient.on(type, () => window.events.push(type));
    window.queued = window.streamClient.rpc("echo", { queued: true }, { timeout: 30000 });
  });

  await stopServer();
  await page.waitForFunction(() => document.getElementById("state").dataset.state === "reconnecting");
  const whileDown = page.evaluate(() => window.streamClient.rpc("echo", { whileDown: true }, { timeout: 30000 }));
  await startServer();
  await page.waitForFunction(() => document.getElementById("state").dataset.state === "open", null, { timeout: 30000 });
  assert.deepEqual(await whileDown, { whileDown: true });

  const other = await browser.newPage();
  await other.goto(`http://127.0.0.1:${port}/`);
  await other.evaluate(async () => {
    const { connect } = await import("/stream.js");
    const client = connect(`ws://${location.host}/stream`);
    await client.publish("restart", "back", { again: true });
    client.close();
  });
  await page.waitForSelector('#messages li:has-text(\'{"channel":"restart","event":"back","data":{"again":true}}\')');
  // The restarted memory broker has a new epoch: what came before it cannot be recovered, and the page says so.
  assert.match(await page.textContent('#messages li.lost[data-reason="epoch"]'), /Messages lost on restart · \*: epoch/);
  const events = await page.evaluate(() => window.events);
  assert.ok(events.includes("close") && events.includes("reconnecting") && events.at(-1) === "open", events.join(","));
  await Promise.all([page.close(), other.close()]);
});
