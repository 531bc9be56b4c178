// The books in the window: a home whose first accounts a `sangam` CLI opened, and one
// opened in the window; an entry posted in the form changes the balance sheet; an
// unbalanced form keeps Post disabled with the reason, and keeps what was typed.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { accessibilityProblems, byId, cli, offlineHome, openApp, screenshot, tempHome } from "./harness.mjs";

let closeApp;
// The window the first test opens; the second goes on in it.
let browser;

async function click(browser, id) {
  const el = await byId(browser, id);
  await el.waitForClickable({ timeout: 20_000 });
  await el.click();
}

async function balanceOf(browser, name) {
  const rows = await browser.$$(`[data-testid="balance-row"][data-name="${name}"] [data-testid="balance-amount"]`);
  return rows.length === 0 ? null : rows[0].getText();
}

describe("the books", { timeout: 240_000 }, () => {
  after(async () => {
    if (closeApp) await closeApp();
  });

  it("posts an entry and shows the balance change; refuses an unbalanced one, keeping it", async () => {
    const home = tempHome("books");
    cli(home, "id", "new", "--name", "Asha");
    offlineHome(home);
    cli(home, "coop", "create", "River Bakery", "--currency", "INR");
    cli(home, "ledger", "account", "add", "Bank", "--type", "asset");
    cli(home, "ledger", "account", "add", "Bread sales", "--type", "income");
    cli(home, "ledger", "post", "--date", "2026-11-28", "--description", "Saturday market",
      "--posting", "Bank 1,250.50", "--posting", "Bread sales -1250.50");

    const app = await openApp(home);
    closeApp = app.close;
    browser = app.browser;
    await browser.setWindowSize(1280, 800);
    await click(browser, "nav-books");
    await (await byId(browser, "balance-tree")).waitForDisplayed({ timeout: 20_000 });
    await browser.waitUntil(async () => (await balanceOf(browser, "Bank")) === "1250.50 INR", { timeout: 20_000 });
    assert.deepEqual(await accessibilityProblems(browser), [], "the balance sheet has accessibility problems");
    await screenshot(browser, "en", "books-balances");

    // An account opened in the window lands in the tree.
    await (await byId(browser, "account-name")).setValue("Flour");
    await (await byId(browser, "account-type")).selectByAttribute("value", "expense");
    await click(browser, "account-open");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="balance-row"][data-name="Flour"]')).length === 1, {
      timeout: 20_000,
      timeoutMsg: "the new account is in the balance sheet",
    });

    await click(browser, "entry-new");
    const accounts = await browser.$$('[data-testid="posting-account"]');
    const amounts = await browser.$$('[data-testid="posting-amount"]');
    await (await byId(browser, "entry-description")).setValue("Flour from the mill");
    await accounts[0].selectByVisibleText("Bank");
    await amounts[0].setValue("-80");
    await accounts[1].selectByVisibleText("Flour");
    await amounts[1].setValue("79.50");
    const reason = await byId(browser, "entry-reason");
    await reason.waitForDisplayed({ timeout: 20_000 });
    assert.match(await reason.getText(), /INR is off by -0.50/);
    assert.equal(await (await byId(browser, "entry-submit")).isEnabled(), false, "Post waits for a balanced entry");
    assert.deepEqual(await accessibilityProblems(browser), [], "the posting form has accessibility problems");
    await screenshot(browser, "en", "books-entry-unbalanced");
    assert.equal(await amounts[1].getValue(), "79.50", "what was typed is kept");
    assert.equal(await (await byId(browser, "entry-description")).getValue(), "Flour from the mill");

    await amounts[1].setValue("80");
    await browser.waitUntil(async () => (await (await byId(browser, "entry-submit")).isEnabled()), { timeout: 20_000 });
    await click(browser, "entry-submit");
    await (await byId(browser, "balance-tree")).waitForDisplayed({ timeout: 20_000 });
    await browser.waitUntil(async () => (await balanceOf(browser, "Bank")) === "1170.50 INR", {
      timeout: 20_000,
      timeoutMsg: "the bank's balance moved by the entry",
    });
    await click(browser, "books-tab-journal");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="entry-card"]')).length === 2, { timeout: 20_000 });
    await screenshot(browser, "en", "books-journal");
  });

  it("shows the books' bylaws and sets the funds' shares by a vote", async () => {
    assert.ok(browser, "the window is open");
    await click(browser, "nav-books");
    const shares = await byId(browser, "books-shares");
    await shares.waitForDisplayed({ timeout: 20_000 });
    assert.match(await (await byId(browser, "books-kept-by")).getText(), /any member/);
    assert.match(await shares.getText(), /reserve 0%, education fund 0%/);
    await click(browser, "books-bylaws-change");
    await (await byId(browser, "proposal-text")).setValue("Set aside a tenth for the reserve and a twentieth for learning.");
    await (await byId(browser, "proposal-effect")).selectByAttribute("value", "funds");
    await (await byId(browser, "effect-reserve")).setValue("10");
    await (await byId(browser, "effect-education")).setValue("5");
    assert.deepEqual(await accessibilityProblems(browser), [], "the bylaws form has accessibility problems");
    await screenshot(browser, "en", "books-bylaws-proposal");
    await click(browser, "proposal-submit");
    await (await byId(browser, "proposal-detail")).waitForDisplayed({ timeout: 20_000 });
    // The effect arrives as a code and its values; the window words it.
    assert.match(
      await (await browser.$(".effect")).getText(),
      /If it passes: set the bylaws: admission by \w[\w ]*; any member keeps the books; reserve 10%, education fund 5%/,
    );
    await click(browser, "vote-yes");
    await browser.waitUntil(async () => (await (await byId(browser, "proposal-close")).isEnabled()), { timeout: 20_000 });
    await click(browser, "proposal-close");
    await browser.pause(500);
    await click(browser, "nav-books");
    await browser.waitUntil(async () => /reserve 10%, education fund 5%/.test(await (await byId(browser, "books-shares")).getText()), {
      timeout: 20_000,
      timeoutMsg: "the passed proposal's shares are in force",
    });
    await screenshot(browser, "en", "books-bylaws");
  });

  it("reads amounts with the decimal comma the member chose for the co-op", async () => {
    assert.ok(browser, "the window is open");
    await click(browser, "nav-books");
    const mark = await byId(browser, "books-decimal-mark");
    await mark.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await mark.getValue(), "point");
    await mark.selectByAttribute("value", "comma");
    await browser.waitUntil(async () => (await (await byId(browser, "books-decimal-mark")).getValue()) === "comma", {
      timeout: 20_000,
      timeoutMsg: "the setting is kept",
    });
    await click(browser, "entry-new");
    const accounts = await browser.$$('[data-testid="posting-account"]');
    const amounts = await browser.$$('[data-testid="posting-amount"]');
    await (await byId(browser, "entry-description")).setValue("Sunday market");
    await accounts[0].selectByVisibleText("Bank");
    await amounts[0].setValue("1.000,25");
    await accounts[1].selectByVisibleText("Bread sales");
    await amounts[1].setValue("-1.000");
    const reason = await byId(browser, "entry-reason");
    await reason.waitForDisplayed({ timeout: 20_000 });
    assert.match(await reason.getText(), /INR is off by 0,25/);
    await amounts[1].setValue("-1.000,25");
    await browser.waitUntil(async () => (await (await byId(browser, "entry-submit")).isEnabled()), { timeout: 20_000 });
    await click(browser, "entry-submit");
    // Back on the Books page, on the tab the member left (the journal, since the first test).
    await click(browser, "books-tab-balances");
    await (await byId(browser, "balance-tree")).waitForDisplayed({ timeout: 20_000 });
    await browser.waitUntil(async () => (await balanceOf(browser, "Bank")) === "2170.75 INR", {
      timeout: 20_000,
      timeoutMsg: "1.000,25 was read as a thousand and a quarter",
    });
  });
});
