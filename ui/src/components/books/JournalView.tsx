import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { EntryDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { PeriodFields } from "./PeriodFields";

// The filters survive a visit elsewhere, so the journal reopens as the member left it.
const [search, setSearch] = createSignal("");
const [account, setAccount] = createSignal("");
const [from, setFrom] = createSignal("");
const [to, setTo] = createSignal("");

const today = () => new Date().toISOString().slice(0, 10);

/** The journal, newest first, filtered by account, period and text as one types. */
export function JournalView(props: { coop: string; version: number }) {
  const uid = createUniqueId();
  const [accounts] = createResource(() => props.coop, (c) => ipc.accounts(c));
  const [list, { refetch }] = createResource(
    () => ({ coop: props.coop, s: search(), a: account(), f: from(), t: to(), v: props.version }),
    (q) =>
      ipc.journal(q.coop, {
        account: q.a === "" ? null : q.a,
        member: null,
        from: q.f === "" ? null : q.f,
        to: q.t === "" ? null : q.t,
        search: q.s.trim() === "" ? null : q.s,
        limit: 200,
      }),
  );
  return (
    <>
      <div class="inline-form" role="search">
        <div class="field grow">
          <label for={`${uid}-q`}>{t("books.search")}</label>
          <input id={`${uid}-q`} type="search" data-testid="journal-search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${uid}-a`}>{t("books.account")}</label>
          <select id={`${uid}-a`} data-testid="journal-account" onChange={(e) => setAccount(e.currentTarget.value)}>
            <option value="">{t("market.any")}</option>
            <For each={accounts.latest ?? []}>{(a) => <option value={a.id} selected={account() === a.id}>{a.name}</option>}</For>
          </select>
        </div>
        <PeriodFields from={from()} to={to()} onFrom={setFrom} onTo={setTo} />
      </div>
      <Show when={list.error}>
        <p class="form-error" role="alert">{ipc.toApiError(list.error).message}</p>
      </Show>
      <ul class="cards" aria-live="polite">
        <For each={list.latest ?? []} fallback={<li class="muted">{t("books.no_entries")}</li>}>
          {(e) => <EntryCard coop={props.coop} entry={e} onReversed={() => void refetch()} />}
        </For>
      </ul>
    </>
  );
}

function EntryCard(props: { coop: string; entry: EntryDto; onReversed: () => void }) {
  const e = () => props.entry;
  const action = createAction();
  return (
    <li class="card entry-card" data-testid="entry-card" data-id={e().id}>
      <div class="row spread">
        <strong>{e().date} · {e().description}</strong>
        <Show when={e().standing !== "counts"}>
          <span class="badge" data-testid="entry-standing">{t(`books.standing_${e().standing}` as Key)}</span>
        </Show>
      </div>
      <table class="postings">
        <tbody>
          <For each={e().postings}>
            {(p) => (
              <tr>
                <td>{p.account_name}</td>
                <td class="amount">{p.amount.text} {p.amount.commodity}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <p class="meta">
        {e().author_name ?? e().author.slice(0, 12)}
        <Show when={e().approved_by}>
          {(p) => (
            <>
              {" · "}
              <button type="button" class="link" onClick={() => go({ name: "proposal", id: p() })}>
                {t("books.approved_by")}
              </button>
            </>
          )}
        </Show>
        <Show when={!e().reverses && e().standing === "counts"}>
          {" · "}
          <button type="button" class="link" data-testid="entry-reverse" disabled={action.busy()} onClick={() => void action.run(async () => {
            await ipc.reverseEntry(props.coop, e().id, today());
            props.onReversed();
          })}>
            {t("books.reverse")}
          </button>
        </Show>
      </p>
      <FormError error={action.error()} />
    </li>
  );
}
