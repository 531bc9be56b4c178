// Launch to first screen: the app opened on an existing home, timed from the WebDriver
// request that starts it to the first member row in the page (the page's clock), then the
// memory of the app and its WebKit processes. Not part of the test suite (no timed tests); docs/benchmarks.md
// quotes its figures.
//
//   SANGAM_APP=target/release/sangam-desktop xvfb-run -a node e2e/launch.bench.mjs HOME [RUNS]
import { readFileSync, readdirSync } from "node:fs";
import { byId, session, startDriver, until } from "./harness.mjs";

const home = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!home) {
  console.error("usage: node e2e/launch.bench.mjs HOME [RUNS]");
  process.exit(2);
}

/** Resident memory (kB) of every process whose command line names `home`, and their
 * descendants (WebKit's web and network processes). */
function residentKb() {
  const procs = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
        return {
          pid,
          ppid: /PPid:\s+(\d+)/.exec(status)?.[1],
          rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
          cmd,
        };
      } catch {
        return null;
      }
    })
    .filter(Boolean);
  const roots = new Set(procs.filter((p) => p.cmd.includes("sangam-desktop") && p.cmd.includes(home)).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!roots.has(p.pid) && roots.has(p.ppid)) {
        roots.add(p.pid);
        grew = true;
      }
    }
  }
  const mine = procs.filter((p) => roots.has(p.pid));
  return { total: mine.reduce((sum, p) => sum + p.rss, 0), app: mine.find((p) => p.cmd.includes("sangam-desktop"))?.rss ?? 0 };
}

/** Waits in the page for `selector` and returns the moment it appeared, ms since the
 * epoch (the page's own clock; polling from WebDriver instead would time WebKitWebDriver's
 * round trips, heavy with 1,000 rows). */
function appeared(browser, selector) {
  return browser.executeAsync((sel, done) => {
    const tick = () => {
      if (document.querySelector(sel)) return done(performance.timeOrigin + performance.now());
      setTimeout(tick, 5);
    };
    tick();
  }, selector);
}

const times = [];
let memory;
for (let i = 0; i < runs; i++) {
  const driver = await startDriver();
  const started = Date.now();
  const browser = await session(driver.port, home);
  const sessionAt = Date.now() - started;
  const shellAt = (await appeared(browser, '[data-testid="nav-members"]')) - started;
  const rowsAt = (await appeared(browser, '[data-testid="member-row"]')) - started;
  times.push(rowsAt);
  await until(async () => (await browser.$$('[data-testid="member-row"]')).length > 0, "the member list", 60_000);
  memory = residentKb();
  const rows = await browser.execute(() => document.querySelectorAll('[data-testid="member-row"]').length);
  await browser.deleteSession();
  await driver.stop();
  console.log(
    `run ${i + 1}: first screen in ${rowsAt.toFixed(0)} ms (${rows} member rows; window and page up at ${sessionAt} ms, the co-op's header at ${shellAt.toFixed(0)} ms)`,
  );
}
times.sort((a, b) => a - b);
console.log(
  `launch to first screen: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${runs} runs`,
);
console.log(
  `resident memory after it: app ${(memory.app / 1024).toFixed(0)} MB; app with its WebKit processes ${(memory.total / 1024).toFixed(0)} MB`,
);
