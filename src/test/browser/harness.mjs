// What the browser tests share: the embedded server jar on a free port, and headless Chromium.
// Needs target/streamrpc-server.jar (mvn package) and Debian's chromium (CHROMIUM overrides the path).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
export const SHOTS = join(ROOT, "target/screenshots");
const JAR = join(ROOT, "target/streamrpc-server.jar");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => done(free));
    });
  });
}

/** The embedded server as a child process; start() resolves when it logs that it is ready. `env` adds settings such as STREAM_HISTORY_SIZE. */
export class ServerJar {
  constructor(port, env = {}) {
    this.port = port;
    this.env = env;
    this.child = null;
  }

  get base() {
    return `http://127.0.0.1:${this.port}/`;
  }

  start() {
    return new Promise((done, fail) => {
      const child = spawn("java", ["-jar", JAR, "--port", String(this.port)], {
        stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env },
      });
      let output = "";
      const timer = setTimeout(() => fail(new Error("server not ready in 60 s:\n" + output)), 60_000);
      const watch = (chunk) => {
        output += chunk;
        if (output.includes("StreamRPC ready")) {
          clearTimeout(timer);
          this.child = child;
          done(child);
        }
      };
      child.stdout.on("data", watch);
      child.stderr.on("data", watch);
      child.once("exit", (code) => fail(new Error(`server exited with ${code}:\n${output}`)));
    });
  }

  stop() {
    return new Promise((done) => {
      if (!this.child || this.child.exitCode !== null) return done();
      this.child.once("exit", () => done());
      this.child.kill("SIGTERM");
    });
  }
}

export function launchChromium() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,   // a new empty profile each launch
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The console page, once its connection is open; its WebSocket goes through `route` (a Playwright WebSocket route handler) when given. */
export async function openConsole(browser, server, route) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on("pageerror", (error) => console.error("page error:", error));
  if (route) await page.routeWebSocket(/\/stream$/, route);
  await page.goto(server.base);
  await page.waitForFunction(() => document.getElementById("state").dataset.state === "open");
  return page;
}

/**
 * For a test file with one server and one browser: starts the server jar and Chromium before
 * its tests and stops them after. Returns their holder, filled in once they have started.
 */
export function serverAndBrowser() {
  const started = { server: null, browser: null };
  before(async () => {
    started.server = new ServerJar(await freePort());
    await started.server.start();
    started.browser = await launchChromium();
  });
  after(async () => {
    await started.browser?.close();
    await started.server?.stop();
  });
  return started;
}
