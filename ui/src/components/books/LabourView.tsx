import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import type { Basis, PatronageDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { PeriodFields } from "./PeriodFields";

const year = new Date().getUTCFullYear();
const [from, setFrom] = createSignal(`${year}-01-01`);
const [to, setTo] = createSignal(`${year}-12-31`);

/** Labour logged, and a period's surplus split by it: previewed, then posted citing the
 *  proposal that approves it (it counts once that vote has passed). */
export function LabourView(props: { coop: string; version: number }) {
  const uid = createUniqueId();
  const [date, setDate] = createSignal(new Date().toISOString().slice(0, 10));
  const [hours, setHours] = createSignal("");
  const [note, setNote] = createSignal("");
  const logging = createAction();
  const [list, { refetch }] = createResource(
    () => ({ coop: props.coop, f: from(), t: to(), v: props.version }),
    (q) => ipc.labour(q.coop, q.f, q.t),
  );
  const log = (e: SubmitEvent) => {
    e.preventDefault();
    const h = Number(hours().replace(",", "."));
    if (!(h > 0)) {
      logging.setError(t("common.not_a_number", { field: t("books.hours") }));
      return;
    }
    void logging.run(async () => {
      await ipc.logLabour(props.coop, date(), Math.round(h * 60), note().trim() === "" ? null : note());
      setHours("");
      setNote("");
      void refetch();
    });
  };
  return (
    <>
      <form class="card inline-form" onSubmit={log} novalidate>
        <div class="field">
          <label for={`${uid}-d`}>{t("books.date")}</label>
          <input id={`${uid}-d`} type="date" value={date()} onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${uid}-h`}>{t("books.hours")}</label>
          <input id={`${uid}-h`} data-testid="labour-hours" inputmode="decimal" size="5" value={hours()} onInput={(e) => setHours(e.currentTarget.value)} />
        </div>
        <div class="field grow">
          <label for={`${uid}-n`}>{t("books.work")}</label>
          <input id={`${uid}-n`} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
        <button type="submit" data-testid="labour-log" disabled={logging.busy()}>{t("books.log_labour")}</button>
        <FormError error={logging.error()} />
      </form>
      <div class="inline-form">
        <PeriodFields from={from()} to={to()} onFrom={setFrom} onTo={setTo} />
      </div>
      <table class="card postings" data-testid="labour-table">
        <tbody>
          <For each={list.latest ?? []} fallback={<tr><td class="muted">{t("books.no_labour")}</td></tr>}>
            {(l) => (
              <tr>
                <td>{l.name ?? l.member.slice(0, 12)}</td>
                <td class="amount">{t("books.hours_n", { n: (l.minutes / 60).toFixed(2) })}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Patronage coop={props.coop} />
    </>
  );
}

function Patronage(props: { coop: string }) {
  const uid = createUniqueId();
  const [surplus, setSurplus] = createSignal("");
  const [basis, setBasis] = createSignal<Basis>("labour");
  const [proposal, setProposal] = createSignal("");
  const [split, setSplit] = createSignal<PatronageDto | null>(null);
  const action = createAction();
  const [proposals] = createResource(() => props.coop, (c) => ipc.proposals(c, "all"));
  const preview = () => void action.run(async () => setSplit(await ipc.patronagePreview(props.coop, from(), to(), surplus(), basis())));
  const allocate = () =>
    void action.run(async () => setSplit(await ipc.allocatePatronage(props.coop, from(), to(), surplus(), basis(), proposal())));
  return (
    <section class="card">
      <h2>{t("books.patronage")}</h2>
      <p class="meta">{t("books.patronage_hint")}</p>
      <div class="inline-form">
        <div class="field">
          <label for={`${uid}-s`}>{t("books.surplus")}</label>
          <input id={`${uid}-s`} data-testid="patronage-surplus" value={surplus()} onInput={(e) => setSurplus(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${uid}-b`}>{t("books.basis")}</label>
          <select id={`${uid}-b`} data-testid="patronage-basis" onChange={(e) => setBasis(e.currentTarget.value as Basis)}>
            <option value="labour" selected={basis() === "labour"}>{t("books.basis_labour")}</option>
            <option value="use" selected={basis() === "use"}>{t("books.basis_use")}</option>
          </select>
        </div>
        <button type="button" data-testid="patronage-preview" disabled={action.busy()} onClick={preview}>{t("books.preview")}</button>
      </div>
      <FormError error={action.error()} />
      <Show when={split()}>
        {(s) => (
          <>
            <table class="postings" data-testid="patronage-split">
              <tbody>
                <Show when={s().reserve}>{(r) => <tr><td>{t("books.reserve")} ({s().reserve_pct}%)</td><td class="amount">{r().amount.text} {r().amount.commodity}</td></tr>}</Show>
                <Show when={s().education}>{(r) => <tr><td>{t("books.education")} ({s().education_pct}%)</td><td class="amount">{r().amount.text} {r().amount.commodity}</td></tr>}</Show>
                <For each={s().members}>
                  {(m) => (
                    <tr>
                      <td>
                        {m.name ?? m.member?.slice(0, 12)} ·{" "}
                        {m.used ? `${m.used.text} ${m.used.commodity}` : t("books.hours_n", { n: ((m.minutes ?? 0) / 60).toFixed(2) })}
                      </td>
                      <td class="amount">{m.amount.text} {m.amount.commodity}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={s().entry} fallback={
              <div class="inline-form">
                <div class="field grow">
                  <label for={`${uid}-p`}>{t("books.approving_proposal")}</label>
                  <select id={`${uid}-p`} onChange={(e) => setProposal(e.currentTarget.value)}>
                    <option value="">—</option>
                    <For each={proposals.latest ?? []}>{(p) => <option value={p.id}>{p.title}</option>}</For>
                  </select>
                </div>
                <button type="button" class="primary" disabled={action.busy() || proposal() === ""} onClick={allocate}>{t("books.allocate")}</button>
              </div>
            }>
              <p class="meta" role="status">{t("books.allocated_note")}</p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
