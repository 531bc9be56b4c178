import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { AccountDto, AccountRole, AccountType, MoneyDto, MonthDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { JournalView } from "./JournalView";
import { LabourView } from "./LabourView";
import { FilesView } from "./FilesView";

type Tab = "balances" | "journal" | "labour" | "files";
// The tab survives a visit to the posting form, so Back lands where the member was.
const [tab, setTab] = createSignal<Tab>("balances");

export const money = (list: MoneyDto[]) =>
  list.length === 0 ? "0" : list.map((m) => `${m.text} ${m.commodity}`).join(" · ");

/** The books: balances as a tree with a monthly chart and the capital cards; the journal;
 *  labour and patronage; imports and exports. Live as records arrive. */
export function BooksView(props: { coop: string }) {
  const [version, setVersion] = createSignal(0);
  useEvent((e) => {
    if (e.type === "record_added" && e.coop === props.coop && (e.kind.startsWith("ledger.") || e.kind.startsWith("proposal.") || e.kind === "labour.log"))
      setVersion((v) => v + 1);
  });
  const tabs: Tab[] = ["balances", "journal", "labour", "files"];
  return (
    <div class="view">
      <div class="row spread">
        <h1 tabindex="-1">{t("books.title")}</h1>
        <button type="button" class="primary" data-testid="entry-new" onClick={() => go({ name: "entry-new" })}>
          {t("books.post")}
        </button>
      </div>
      <p class="lead">{t("books.hint")}</p>
      <BooksBylaws coop={props.coop} version={version()} />
      <div class="tabs" role="tablist">
        <For each={tabs}>
          {(k) => (
            <button type="button" role="tab" aria-selected={tab() === k} class={tab() === k ? "tab active" : "tab"} data-testid={`books-tab-${k}`} onClick={() => setTab(k)}>
              {t(`books.tab_${k}` as Key)}
            </button>
          )}
        </For>
      </div>
      <Show when={tab() === "balances"}><Balances coop={props.coop} version={version()} /></Show>
      <Show when={tab() === "journal"}><JournalView coop={props.coop} version={version()} /></Show>
      <Show when={tab() === "labour"}><LabourView coop={props.coop} version={version()} /></Show>
      <Show when={tab() === "files"}><FilesView coop={props.coop} /></Show>
    </div>
  );
}

/** Who keeps the books, the approval limit and the funds' shares in force, and a way to
 *  propose a change (a passed proposal sets them). */
function BooksBylaws(props: { coop: string; version: number }) {
  const uid = createUniqueId();
  const [coop, { refetch }] = createResource(() => ({ coop: props.coop, v: props.version }), (q) => ipc.coop(q.coop));
  const [members] = createResource(() => ({ coop: props.coop, v: props.version }), (q) => ipc.members(q.coop));
  const action = createAction();
  const name = (key: string) => members.latest?.find((m) => m.key === key)?.name ?? key.slice(0, 12);
  return (
    <Show when={coop.latest}>
      {(c) => (
        <section class="card" data-testid="books-bylaws" aria-label={t("books.bylaws")}>
          <div class="row spread">
            <h2>{t("books.bylaws")}</h2>
            <button
              type="button"
              data-testid="books-bylaws-change"
              onClick={() =>
                go({
                  name: "proposal-new",
                  prefill: { title: t("books.bylaws"), effect: { kind: "treasurers", members: c().treasurers } },
                })
              }
            >
              {t("books.change_bylaws")}
            </button>
          </div>
          <dl class="facts">
            <dt>{t("books.kept_by")}</dt>
            <dd data-testid="books-kept-by">
              {c().treasurers.length === 0 ? t("books.kept_by_any") : c().treasurers.map(name).join(", ")}
            </dd>
            <dt>{t("books.approval")}</dt>
            <dd data-testid="books-approval">
              {c().approval_over.length === 0 ? t("books.approval_none") : c().approval_over.join(", ")}
            </dd>
            <dt>{t("books.shares")}</dt>
            <dd data-testid="books-shares">
              {t("books.shares_value", { reserve: String(c().reserve_pct), education: String(c().education_pct) })}
            </dd>
            <dt>
              <label for={`${uid}-mark`}>{t("books.decimal_mark")}</label>
            </dt>
            <dd>
              <select
                id={`${uid}-mark`}
                data-testid="books-decimal-mark"
                value={c().decimal_mark}
                disabled={action.busy()}
                onChange={(e) => {
                  const mark = e.currentTarget.value as ipc.DecimalMark;
                  void action.run(async () => {
                    await ipc.setDecimalMark(props.coop, mark);
                    await refetch();
                  });
                }}
              >
                <option value="point">{t("books.decimal_point")}</option>
                <option value="comma">{t("books.decimal_comma")}</option>
              </select>
              <FormError error={action.error()} />
            </dd>
          </dl>
        </section>
      )}
    </Show>
  );
}

function Balances(props: { coop: string; version: number }) {
  const uid = createUniqueId();
  const [at, setAt] = createSignal("");
  const [sheet, { refetch }] = createResource(
    () => ({ coop: props.coop, at: at(), v: props.version }),
    (q) => ipc.balanceSheet(q.coop, /^\d{4}-\d{2}-\d{2}$/.test(q.at) ? q.at : null),
  );
  const year = new Date().getUTCFullYear();
  const [months] = createResource(
    () => ({ coop: props.coop, v: props.version }),
    (q) => ipc.monthly(q.coop, `${year - 1}-01-01`, `${year}-12-31`),
  );
  const [capital] = createResource(() => ({ coop: props.coop, v: props.version }), (q) => ipc.capital(q.coop));
  return (
    <>
      <div class="inline-form">
        <div class="field">
          <label for={`${uid}-at`}>{t("books.at")}</label>
          <input id={`${uid}-at`} type="date" data-testid="books-at" value={at()} onInput={(e) => setAt(e.currentTarget.value)} />
        </div>
      </div>
      <Show when={sheet.error}>
        <p class="form-error" role="alert">{ipc.toApiError(sheet.error).message}</p>
      </Show>
      <section class="card" aria-label={t("books.balance_sheet")}>
        <h2>{t("books.balance_sheet")}</h2>
        <ul class="tree" data-testid="balance-tree">
          <For each={sheet.latest?.groups ?? []}>
            {(g) => (
              <li>
                <div class="tree-row total">
                  <span>{t(`books.type_${g.account_type}` as Key)}</span>
                  <span class="amount">{money(g.totals)}</span>
                </div>
                <ul>
                  <For each={g.accounts}>{(a) => <AccountRow account={a} />}</For>
                </ul>
              </li>
            )}
          </For>
        </ul>
        <Show when={(sheet.latest?.funds.length ?? 0) > 0}>
          <p class="meta" data-testid="funds">
            {t("books.funds")}: {(sheet.latest?.funds ?? []).map((f) => `${f.name} ${money(f.balances)}`).join(" · ")}
          </p>
        </Show>
      </section>
      <section class="card">
        <h2>{t("books.by_month")}</h2>
        <MonthChart months={months.latest ?? []} />
      </section>
      <section>
        <h2>{t("books.capital")}</h2>
        <ul class="cards">
          <For each={capital.latest ?? []} fallback={<li class="muted">{t("books.no_capital")}</li>}>
            {(c) => (
              <li class="card" data-testid="capital-card">
                <strong>{c.name ?? c.member.slice(0, 12)}</strong>
                <For each={c.lines}>
                  {(l) => (
                    <dl class="facts">
                      <dt>{t("books.paid_in")}</dt><dd>{l.paid_in.text} {l.paid_in.commodity}</dd>
                      <dt>{t("books.allocated")}</dt><dd>{l.allocated.text} {l.allocated.commodity}</dd>
                      <dt>{t("books.withdrawn")}</dt><dd>{l.withdrawn.text} {l.withdrawn.commodity}</dd>
                      <dt>{t("books.holds")}</dt><dd>{l.balance.text} {l.balance.commodity}</dd>
                    </dl>
                  )}
                </For>
              </li>
            )}
          </For>
        </ul>
      </section>
      <AccountForm coop={props.coop} onOpened={() => void refetch()} />
    </>
  );
}

function AccountRow(props: { account: AccountDto }) {
  const a = () => props.account;
  return (
    <li class="tree-row" data-testid="balance-row" data-name={a().name}>
      <span>
        {a().name}
        <Show when={a().member_name}> · {a().member_name}</Show>
        <Show when={a().closed}> · {t("books.closed")}</Show>
      </span>
      <span class="amount" data-testid="balance-amount">{money(a().balances)}</span>
    </li>
  );
}

/** Income and expenses per month, months along the bottom: one commodity (the first). */
function MonthChart(props: { months: MonthDto[] }) {
  const first = () => props.months.flatMap((m) => [...m.income, ...m.expenses])[0]?.commodity;
  const value = (list: MoneyDto[]) => list.find((x) => x.commodity === first())?.value ?? 0;
  const top = () => Math.max(1, ...props.months.flatMap((m) => [value(m.income), value(m.expenses)]));
  const w = 28;
  return (
    <Show when={props.months.length > 0} fallback={<p class="muted">{t("books.no_months")}</p>}>
      <svg class="chart" data-testid="month-chart" role="img" aria-label={t("books.by_month")} width={props.months.length * w + 10} height="150" viewBox={`0 0 ${props.months.length * w + 10} 150`}>
        <For each={props.months}>
          {(m, i) => {
            const hi = () => (value(m.income) / top()) * 110;
            const he = () => (value(m.expenses) / top()) * 110;
            return (
              <g>
                <rect x={i() * w + 5} y={120 - hi()} width="10" height={hi()} class="bar-income">
                  <title>{`${m.month} ${t("books.income")} ${money(m.income)}`}</title>
                </rect>
                <rect x={i() * w + 16} y={120 - he()} width="10" height={he()} class="bar-expense">
                  <title>{`${m.month} ${t("books.expenses")} ${money(m.expenses)}`}</title>
                </rect>
                <text x={i() * w + 5} y="140" class="chart-label">{m.month.slice(5)}</text>
              </g>
            );
          }}
        </For>
      </svg>
      <p class="meta">
        <span class="swatch bar-income" /> {t("books.income")} <span class="swatch bar-expense" /> {t("books.expenses")} ({first()})
      </p>
    </Show>
  );
}

function AccountForm(props: { coop: string; onOpened: () => void }) {
  const uid = createUniqueId();
  const [name, setName] = createSignal("");
  const [type, setType] = createSignal<AccountType>("asset");
  // An equity account may be a member's capital account or one of the surplus's funds.
  const [tag, setTag] = createSignal("");
  const [members] = createResource(() => props.coop, (c) => ipc.members(c));
  const action = createAction();
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const [kind, value] = type() === "equity" ? tag().split(":") : ["", ""];
    void action.run(async () => {
      await ipc.openAccount(props.coop, {
        name: name(),
        account_type: type(),
        member: kind === "member" ? value : null,
        role: kind === "role" ? (value as AccountRole) : null,
      });
      setName("");
      setTag("");
      props.onOpened();
    });
  };
  return (
    <form class="card inline-form" onSubmit={submit} novalidate>
      <div class="field grow">
        <label for={`${uid}-name`}>{t("books.account_name")}</label>
        <input id={`${uid}-name`} data-testid="account-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${uid}-type`}>{t("books.account_type")}</label>
        <select id={`${uid}-type`} data-testid="account-type" onChange={(e) => setType(e.currentTarget.value as AccountType)}>
          <For each={["asset", "liability", "equity", "income", "expense"] as const}>
            {(k) => <option value={k} selected={type() === k}>{t(`books.type_${k}` as Key)}</option>}
          </For>
        </select>
      </div>
      <Show when={type() === "equity"}>
        <div class="field">
          <label for={`${uid}-tag`}>{t("books.account_for")}</label>
          <select id={`${uid}-tag`} data-testid="account-for" onChange={(e) => setTag(e.currentTarget.value)}>
            <option value="" selected={tag() === ""}>—</option>
            <For each={["surplus", "reserve", "education"] as const}>
              {(r) => <option value={`role:${r}`} selected={tag() === `role:${r}`}>{t(`books.role_${r}` as Key)}</option>}
            </For>
            <For each={(members.latest ?? []).filter((m) => m.standing === "active")}>
              {(m) => <option value={`member:${m.key}`} selected={tag() === `member:${m.key}`}>{t("books.capital_of", { name: m.name })}</option>}
            </For>
          </select>
        </div>
      </Show>
      <button type="submit" data-testid="account-open" disabled={action.busy()}>{t("books.open_account")}</button>
      <FormError error={action.error()} />
    </form>
  );
}
