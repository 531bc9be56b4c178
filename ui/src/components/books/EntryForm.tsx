import { createResource, createSignal, createUniqueId, For, Index, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { differences } from "./amounts";

type Line = { account: string; amount: string; commodity: string };

/** Posting an entry: rows added as needed, the running difference per commodity shown,
 *  and Post disabled, with the reason, until the entry balances. What was typed stays. */
export function EntryForm(props: { coop: string }) {
  const uid = createUniqueId();
  const [coop] = createResource(() => props.coop, (c) => ipc.coop(c));
  const [accounts] = createResource(() => props.coop, (c) => ipc.accounts(c));
  const [date, setDate] = createSignal(new Date().toISOString().slice(0, 10));
  const [description, setDescription] = createSignal("");
  const [payee, setPayee] = createSignal("");
  const [lines, setLines] = createSignal<Line[]>([
    { account: "", amount: "", commodity: "" },
    { account: "", amount: "", commodity: "" },
  ]);
  const action = createAction();
  const currency = () => coop()?.currency ?? "";
  const withCurrency = () => lines().map((l) => ({ ...l, commodity: l.commodity.trim() === "" ? currency() : l.commodity }));
  const off = () => differences(withCurrency(), coop()?.decimal_mark ?? "point");
  const filled = () => lines().filter((l) => l.account !== "" && l.amount.trim() !== "");
  const reason = () => {
    if (filled().length < 2) return t("books.need_two_lines");
    const o = [...off()];
    if (o.length > 0) return o.map(([c, v]) => t("books.off_by", { commodity: c, amount: v })).join("; ");
    return null;
  };
  const set = (i: number, key: keyof Line, value: string) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, [key]: value } : l)));

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    if (reason()) return;
    void action.run(async () => {
      await ipc.postEntry(props.coop, {
        date: date(),
        description: description(),
        payee: payee().trim() === "" ? null : payee(),
        postings: filled().map((l) => ({ account: l.account, amount: l.amount, commodity: l.commodity.trim() === "" ? null : l.commodity, member: null })),
        approved_by: null,
      });
      go({ name: "books" });
    });
  };

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go({ name: "books" })}>
        ← {t("common.back")}
      </button>
      <h1 tabindex="-1">{t("books.new_entry")}</h1>
      <form onSubmit={submit} novalidate class="card">
        <div class="inline-form">
          <div class="field">
            <label for={`${uid}-date`}>{t("books.date")}</label>
            <input id={`${uid}-date`} type="date" data-testid="entry-date" value={date()} onInput={(e) => setDate(e.currentTarget.value)} />
          </div>
          <div class="field grow">
            <label for={`${uid}-what`}>{t("books.description")}</label>
            <input id={`${uid}-what`} data-testid="entry-description" value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${uid}-payee`}>{t("books.payee")}</label>
            <input id={`${uid}-payee`} value={payee()} onInput={(e) => setPayee(e.currentTarget.value)} />
          </div>
        </div>
        <Index each={lines()}>
          {(l, i) => (
            <div class="inline-form posting-line" data-testid="posting-line">
              <div class="field grow">
                <label for={`${uid}-acc-${i}`}>{t("books.account")}</label>
                <select id={`${uid}-acc-${i}`} data-testid="posting-account" onChange={(e) => set(i, "account", e.currentTarget.value)}>
                  <option value="" selected={l().account === ""}>—</option>
                  <For each={(accounts.latest ?? []).filter((a) => !a.closed)}>
                    {(a) => <option value={a.id} selected={l().account === a.id}>{a.name}</option>}
                  </For>
                </select>
              </div>
              <div class="field">
                <label for={`${uid}-amt-${i}`}>{t("books.amount")}</label>
                <input id={`${uid}-amt-${i}`} data-testid="posting-amount" inputmode="decimal" value={l().amount} onInput={(e) => set(i, "amount", e.currentTarget.value)} />
              </div>
              <div class="field">
                <label for={`${uid}-com-${i}`}>{t("books.commodity")}</label>
                <input id={`${uid}-com-${i}`} data-testid="posting-commodity" size="6" placeholder={currency()} value={l().commodity} onInput={(e) => set(i, "commodity", e.currentTarget.value)} />
              </div>
            </div>
          )}
        </Index>
        <p class="meta">{t("books.sign_hint")}</p>
        <button type="button" data-testid="posting-add" onClick={() => setLines((ls) => [...ls, { account: "", amount: "", commodity: "" }])}>
          {t("books.add_line")}
        </button>
        <Show when={reason()}>
          <p class="form-hint" role="status" data-testid="entry-reason">{reason()}</p>
        </Show>
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="entry-submit" disabled={action.busy() || reason() !== null}>
          {t("books.post_entry")}
        </button>
      </form>
    </div>
  );
}
