// The discovery documents checked by the reference tools (the AsyncAPI parser, the OpenRPC
// meta-schema), and the console's method picker, examples and API view, against the server jar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import openRpcMetaSchema from "@open-rpc/meta-schema";
import jsonSchemaMetaSchema from "@json-schema-tools/meta-schema";
import { SHOTS, openConsole, serverAndBrowser } from "./harness.mjs";

const started = serverAndBrowser();

async function get(path) {
  const response = await fetch(started.server.base + path);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^application\/json/);
  return response.text();
}

/** rpc.discover's result, asked over the WebSocket by stream.js in a page. */
async function discover() {
  const page = await openConsole(started.browser, started.server);
  const result = await page.evaluate(() => window.streamClient.rpc("rpc.discover", {}));
  await page.close();
  return result;
}

test("the AsyncAPI parser finds no error and no warning in /asyncapi.json", async () => {
  const { document, diagnostics } = await new Parser().parse(await get("asyncapi.json"));
  const serious = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
  assert.deepEqual(serious.map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`), []);
  assert.ok(document, "the parser returned no document");
  assert.equal(document.version(), "3.0.0");
  const operations = document.operations().all().map((o) => o.id());
  for (const id of ["subscribe", "unsubscribe", "publish", "server_info", "echo", "rpc.discover", "deliver.channel.prices"]) {
    assert.ok(operations.includes(id), `${id} missing from ${operations}`);
  }
  const prices = document.channels().get("channel.prices");
  assert.equal(prices.address(), "prices");
  assert.ok(prices.messages().get("trade._"), "the declared trade.* event has a message");
});

test("rpc.discover's result validates against the OpenRPC meta-schema and is /openrpc.json", async () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // The meta-schema refers to the JSON Schema meta-schema both with and without a trailing slash.
  ajv.addSchema(jsonSchemaMetaSchema.default);
  ajv.addSchema({ ...jsonSchemaMetaSchema.default, $id: "https://meta.json-schema.tools" });
  const validate = ajv.compile(openRpcMetaSchema.default);
  const discovered = await discover();
  assert.ok(validate(discovered), JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(discovered, JSON.parse(await get("openrpc.json")));
  assert.deepEqual(discovered.methods.map((m) => m.name),
    ["echo", "publish", "rpc.discover", "server_info", "subscribe", "unsubscribe"]);
});

test("the console's method picker lists the methods and every example payload is accepted", async () => {
  const page = await openConsole(started.browser, started.server);
  await page.waitForFunction(() => document.body.dataset.discovered === "true");
  const names = await page.$$eval("#rpc-pick option", (options) => options.map((o) => o.value).filter(Boolean));
  assert.deepEqual(names, ["echo", "publish", "rpc.discover", "server_info", "subscribe", "unsubscribe"]);

  await page.selectOption("#rpc-pick", "publish");
  assert.equal(await page.inputValue("#rpc-method"), "publish");
  assert.deepEqual(JSON.parse(await page.inputValue("#rpc-payload")), { channel: "prices", data: { price: 42 }, event: "trade.btc" });
  await page.selectOption("#rpc-pick", "subscribe");
  assert.deepEqual(JSON.parse(await page.inputValue("#rpc-payload")), { channel: "prices", event: "*" });

  // Typing a known name picks it too; each method answers its own example without an error.
  for (const name of names) {
    await page.fill("#rpc-method", name);
    assert.equal(await page.inputValue("#rpc-pick"), name);
    await page.evaluate(() => { document.getElementById("rpc-reply").textContent = ""; });
    await page.click("#rpc-form button");
    await page.waitForFunction(() => document.getElementById("rpc-reply").textContent !== "");
    const reply = await page.textContent("#rpc-reply");
    assert.equal(await page.$eval("#rpc-reply", (e) => e.classList.contains("error")), false, `${name} refused its example: ${reply}`);
  }
  await page.close();
});

test("the console documents the methods and the declared channels", async () => {
  const page = await openConsole(started.browser, started.server);
  await page.waitForFunction(() => document.body.dataset.discovered === "true");
  const subscribe = page.locator('#doc-methods details[data-method="subscribe"]');
  await subscribe.locator("summary").click();
  const rows = await subscribe.locator("tr").allTextContents();
  assert.ok(rows.some((r) => r.startsWith("channelstring, required")), rows.join("\n"));
  assert.ok(rows.some((r) => r.startsWith("sincePosition")), rows.join("\n"));
  assert.ok(rows.some((r) => r.startsWith("→ responseSubscribed")), rows.join("\n"));

  const prices = page.locator('#doc-channels details[data-channel="prices"]');
  await prices.locator("summary").click();
  assert.match(await prices.locator("summary").textContent(), /prices — Trades as they happen/);
  const events = await prices.locator("tr").allTextContents();
  assert.deepEqual(events, ["trade.*TradeA trade of the symbol after the dot", "  data.pricenumber, ≥ 0"]);
  await page.screenshot({ path: join(SHOTS, "console-api.png"), fullPage: true });
  await page.close();
});
