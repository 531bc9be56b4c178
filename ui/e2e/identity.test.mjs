// A member's own laptops in the window: a fresh laptop restored from a recovery phrase,
// and a fresh laptop linked to a member whose other laptop (a `sangam serve` CLI home)
// made the ticket. Each is a new app on a new home, as a new laptop would be.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { accessibilityProblems, byId, CLI, cli, cliJson, offlineHome, openApp, screenshot, tempHome } from "./harness.mjs";

let closeApp;

async function click(browser, id) {
  const el = await byId(browser, id);
  await el.waitForClickable({ timeout: 20_000 });
  await el.click();
}

async function type(browser, id, text) {
  const el = await byId(browser, id);
  await el.waitForDisplayed({ timeout: 20_000 });
  await el.setValue(text);
}

async function check(browser, name) {
  assert.deepEqual(await accessibilityProblems(browser), [], `${name} has accessibility problems`);
  await screenshot(browser, "en", name);
}

describe("a member's own laptops", { timeout: 240_000 }, () => {
  after(async () => {
    if (closeApp) await closeApp();
  });

  it("restores an identity from its recovery phrase on a fresh laptop", async () => {
    const old = tempHome("dee-lost");
    const dee = cliJson(old, "id", "new", "--name", "Dee").member;
    const printed = execFileSync(CLI, ["--home", old, "id", "backup"], { input: "show\n", encoding: "utf8" });
    const words = [...printed.matchAll(/^\s*\d+\.\s+([a-z]+)/gm)].map((m) => m[1]);
    assert.equal(words.length, 24);

    const fresh = tempHome("dee-new");
    offlineHome(fresh);
    const app = await openApp(fresh);
    closeApp = app.close;
    const browser = app.browser;
    await browser.setWindowSize(1280, 800);
    await click(browser, "identity-path-restore");
    // A mistyped word is named, and nothing is stored.
    await type(browser, "restore-phrase", ["zzzz", ...words.slice(1)].join(" "));
    await type(browser, "restore-name", "Dee");
    await click(browser, "restore-submit");
    const error = await byId(browser, "form-error");
    await error.waitForDisplayed({ timeout: 20_000 });
    assert.match(await error.getText(), /word 1/);
    await check(browser, "welcome-restore");
    // In Tamil the same mistake is said in Tamil: core sends it as a code and its values.
    await (await byId(browser, "language")).selectByAttribute("value", "ta");
    await click(browser, "restore-submit");
    await browser.waitUntil(async () => /மீட்புச் சொற்பட்டியலில் இல்லை/.test(await error.getText()), {
      timeout: 20_000,
      timeoutMsg: "the mistyped word named in Tamil",
    });
    const said = await error.getText();
    assert.match(said, /zzzz/, "the word typed is named");
    assert.doesNotMatch(said, /recovery|spelling/, `no English left: ${said}`);
    assert.deepEqual(await accessibilityProblems(browser), [], "welcome-restore-error has accessibility problems");
    await screenshot(browser, "ta", "welcome-restore-error");
    await (await byId(browser, "language")).selectByAttribute("value", "en");
    await (await byId(browser, "restore-phrase")).clearValue();
    await type(browser, "restore-phrase", words.join(" "));
    await click(browser, "restore-submit");
    await byId(browser, "welcome-create").waitForDisplayed({ timeout: 20_000 });
    assert.equal(cliJson(fresh, "id", "show").member, dee, "the same member key, restored");
    await closeApp();
    closeApp = undefined;
  });

  it("links a fresh laptop with a ticket from the member's other laptop", async () => {
    const first = tempHome("cy-1");
    offlineHome(first);
    const cy = cliJson(first, "id", "new", "--name", "Cy").member;
    cli(first, "coop", "create", "Hill Co-op");
    const serve = spawn(CLI, ["--home", first, "serve", "--bind", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      // serve prints its address once it listens.
      await new Promise((ready, fail) => {
        const lines = createInterface({ input: serve.stdout });
        lines.once("line", ready);
        serve.once("exit", () => fail(new Error("serve stopped")));
      });
      const ticket = cliJson(first, "device", "link").ticket;

      const fresh = tempHome("cy-2");
      offlineHome(fresh);
      const app = await openApp(fresh);
      closeApp = app.close;
      const browser = app.browser;
      await browser.setWindowSize(1280, 800);
      await click(browser, "identity-path-link");
      await type(browser, "link-ticket-input", ticket);
      await check(browser, "welcome-link");
      await click(browser, "link-submit");
      await byId(browser, "nav-members").waitForDisplayed({ timeout: 30_000 });
      assert.equal(cliJson(fresh, "id", "show").member, cy, "this laptop is Cy's now");
      const devices = cliJson(first, "device", "list");
      assert.equal(devices.length, 2, "Cy's first laptop knows the new one's device");
      assert.ok(devices.every((d) => d.member === cy));
    } finally {
      serve.kill();
    }
  });
});
