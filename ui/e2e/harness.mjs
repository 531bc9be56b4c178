// What the end-to-end tests share: a `sangam` CLI home to play the second member, the
// real app binary driven through tauri-driver and WebKitWebDriver, and the checks every
// screen gets (axe-core, screenshots).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, "../..");

export const APP = process.env.SANGAM_APP ?? join(root, "target/debug/sangam-desktop");
export const CLI = process.env.SANGAM_CLI ?? join(root, "target/debug/sangam");
export const SHOTS = process.env.SANGAM_SCREENSHOTS ?? join(root, "docs/screenshots");

export function tempHome(name) {
  return mkdtempSync(join(tmpdir(), `sangam-e2e-${name}-`));
}

/** Runs the `sangam` CLI on `home`; returns stdout (throws with stderr on failure). */
export function cli(home, ...args) {
  try {
    return execFileSync(CLI, ["--home", home, ...args], {
      encoding: "utf8",
      timeout: 60_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    throw new Error(`sangam ${args.join(" ")} failed: ${e.stderr || e.message}`);
  }
}

export function cliJson(home, ...args) {
  return JSON.parse(cli(home, ...args, "--json"));
}

/** A home that stays on this machine: no relays, no LAN announcements. */
export function offlineHome(home) {
  cli(home, "relay", "set", "off");
  cli(home, "lan", "set", "off");
}

/** Starts tauri-driver on a free port and waits until it listens. */
export async function startDriver() {
  const port = 4444 + Math.floor(Math.random() * 1000);
  // The window's own web storage (the language chosen) goes to a fresh data directory,
  // so every run starts as a new member's laptop would.
  const data = mkdtempSync(join(tmpdir(), "sangam-e2e-webdata-"));
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, XDG_DATA_HOME: data, XDG_CACHE_HOME: data },
  });
  await until(
    () =>
      new Promise((done) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.end();
          done(true);
        });
        socket.on("error", () => done(false));
      }),
    "tauri-driver to listen",
  );
  const stop = async () => {
    // SIGTERM lets tauri-driver end WebKitWebDriver and the app cleanly; never SIGKILL.
    driver.kill("SIGTERM");
    await new Promise((done) => (driver.exitCode === null ? driver.once("exit", done) : done()));
  };
  return { port, stop };
}

/** A WebDriver session on the app with `home`: this launches the app. Only
 * `tauri:options` goes in the capabilities. */
export function session(port, home) {
  return remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 0,
    // A new session launches the app; a request still unanswered after this is a launch
    // that went wrong (see openApp).
    connectionRetryTimeout: 60_000,
    capabilities: { "tauri:options": { application: APP, args: ["--home", home] } },
  });
}

/** tauri-driver, and the app on `home` in a session of it. A launch that never answers
 * is tried once more with a fresh driver (seen rarely: WebKitWebDriver taking the request
 * and starting no app); a second failure fails the test. */
export async function openApp(home) {
  let driver;
  let browser;
  for (let attempt = 1; !browser; attempt++) {
    driver = await startDriver();
    try {
      browser = await session(driver.port, home);
    } catch (e) {
      await driver.stop();
      // An app left from the failed launch holds the home's window: a new one would only
      // bring it to the front.
      await stopLeftover(home);
      if (attempt === 2) throw e;
      console.error(`the app did not start (${e.message}); trying once more`);
    }
  }
  const close = async () => {
    try {
      await browser.deleteSession();
    } finally {
      await driver.stop();
      await stopLeftover(home);
    }
  };
  return { browser, close };
}

/** The app on `home`, if it outlived its session and its driver (seen in about one full
 * e2e run in two on the 2026-12-07 machine, never with a test file alone; cause not
 * found): it is told to stop, and killed if it has not within 5 s. Left running it would
 * hold the test runner's output pipe open, and the run would never end. */
async function stopLeftover(home) {
  const pids = () => {
    try {
      return execFileSync("pgrep", ["-f", `${APP} --home ${home}`], { encoding: "utf8" })
        .split("\n")
        .filter((p) => p.trim() !== "")
        .map(Number);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  };
  const left = pids();
  if (left.length === 0) return;
  console.error(`the app on ${home} outlived its session; stopping it`);
  for (const pid of left) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {}
  }
  const end = Date.now() + 5_000;
  while (pids().length > 0 && Date.now() < end) await sleep(100);
  for (const pid of pids()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}

export const byId = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** Waits until `check` returns a truthy value, polling; fails with `what` after `ms`. */
export async function until(check, what, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityProblems(browser) {
  await browser.execute(axeSource);
  const result = await browser.executeAsync((done) => {
    // eslint-disable-next-line no-undef
    axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => done(JSON.stringify(r.violations)))
      .catch((e) => done(JSON.stringify([{ id: "axe-error", impact: "critical", help: String(e) }])));
  });
  return JSON.parse(result)
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes?.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Saves a screenshot as docs/screenshots/<lang>/<name>.png. */
export async function screenshot(browser, lang, name) {
  const dir = join(SHOTS, lang);
  mkdirSync(dir, { recursive: true });
  await sleep(300); // let transitions and fonts settle
  await browser.saveScreenshot(join(dir, `${name}.png`));
}
