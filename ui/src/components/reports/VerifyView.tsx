import { FileInput } from "../common/FileInput";
import { createSignal, createUniqueId, For, Show } from "solid-js";
import { formatDateTime, t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { fileBytes } from "../../lib/app/files";
import * as ipc from "../../lib/ipc";
import type { ReportDto, ReportSummaryDto } from "../../lib/ipc";
import { shortKey } from "../../lib/members/format";
import { ballotWords, methodLabel, outcomeLine, ruleWords } from "../../lib/proposals/format";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";
import { TallyView } from "../proposals/TallyView";

/** Opens a vote report file and shows whether it holds, what it decided and its evidence. */
export function VerifyView() {
  const uid = createUniqueId();
  const [verdict, setVerdict] = createSignal<{ file: string; dto: ReportDto } | null>(null);
  const checking = createAction();

  const open = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void checking.run(async () => {
      setVerdict(null);
      const dto = await ipc.verifyReport(await fileBytes(file));
      setVerdict({ file: file.name, dto });
    });
    // Opening the same file again must check it again.
    input.value = "";
  };

  return (
    <div class="view">
      <h1 tabindex="-1">{t("verify.title")}</h1>
      <p class="lead">{t("verify.hint")}</p>
      <section class="card">
        <div class="field">
          <label for={`${uid}-file`}>{t("verify.file")}</label>
          <FileInput
            id={`${uid}-file`}
            testId="verify-file"
            accept=".json,application/json"
            disabled={checking.busy()}
            onChange={(input) => open(input)}
          />
        </div>
        <Busy when={checking.busy()} text={t("verify.checking")} />
        <FormError error={checking.error()} />
      </section>
      <Show when={verdict()}>
        {(v) => (
          <Show when={v().dto.summary} fallback={<Refused file={v().file} dto={v().dto} />}>
            {(s) => <Verified file={v().file} summary={s()} />}
          </Show>
        )}
      </Show>
    </div>
  );
}

function Refused(props: { file: string; dto: ReportDto }) {
  return (
    <section class="card verdict bad" data-testid="verify-verdict" data-verified="false" role="alert">
      <h2>{t("verify.refused", { file: props.file })}</h2>
      <p data-testid="verify-reason">{props.dto.reason}</p>
      <p class="hint">{t("verify.refused_hint", { class: props.dto.class ?? "" })}</p>
    </section>
  );
}

function Verified(props: { file: string; summary: ReportSummaryDto }) {
  const s = () => props.summary;
  const who = (name: string | null, key: string) => (name ? `${name} (${shortKey(key)})` : shortKey(key));
  return (
    <>
      <section class="card verdict good" data-testid="verify-verdict" data-verified="true" role="status">
        <h2>{t("verify.verified", { file: props.file })}</h2>
        <p>{t("verify.verified_hint", { records: s().records })}</p>
      </section>
      <article class="proposal-detail">
        <p class="meta">{s().coop_name}</p>
        <h2 data-testid="verify-title">{s().title}</h2>
        <p class="meta">
          {t("proposal.by", { name: who(s().opened_by_name, s().opened_by) })}
          {" · "}
          {t("proposal.method", { method: methodLabel(s().tally.method) })}
          {" · "}
          {ruleWords(s().tally.method, s().tally.threshold, s().tally.quorum_pct)}
        </p>
        <Show when={s().text.trim()}>
          <p class="prose">{s().text}</p>
        </Show>
        <div class="outcome" data-testid="verify-outcome">
          <p class="outcome-line">{outcomeLine(s().tally, s().answers)}</p>
          <Show when={s().tally.status !== "closed"}>
            <p class="warn-text">{t(`verify.status_${s().tally.status}` as Key)}</p>
          </Show>
        </div>
        <TallyView tally={s().tally} options={s().answers} />
        <section>
          <h3>{t("verify.ballots")}</h3>
          <table class="report-ballots">
            <thead>
              <tr>
                <th scope="col">{t("verify.voter")}</th>
                <th scope="col">{t("verify.choice")}</th>
                <th scope="col">{t("verify.cast")}</th>
                <th scope="col">{t("verify.fate")}</th>
              </tr>
            </thead>
            <tbody>
              <For each={s().ballots}>
                {(b) => (
                  <tr class={b.fate} data-testid="verify-ballot" data-fate={b.fate}>
                    <td>{who(b.voter_name, b.voter)}</td>
                    <td>{ballotWords(b.choice)}</td>
                    <td>{formatDateTime(b.at)}</td>
                    <td>
                      {t(`verify.fate_${b.fate}` as Key, { weight: b.weight })}
                      {b.contested ? ` · ${t("verify.contested")}` : ""}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
        <section>
          <h3>{t("verify.closes")}</h3>
          <ul>
            <For each={s().closes} fallback={<li>{t("verify.no_closes")}</li>}>
              {(c) => (
                <li>
                  {t("verify.closed_by", {
                    name: who(c.author_name, c.author),
                    when: formatDateTime(c.at),
                    ballots: c.ballots,
                  })}
                </li>
              )}
            </For>
          </ul>
        </section>
        <section>
          <h3>{t("verify.evidence")}</h3>
          <p>
            {s().exporter_name
              ? t("verify.exported_by", { name: who(s().exporter_name, s().exporter), when: formatDateTime(s().exported_at) })
              : t("verify.exported_by_outsider", { key: shortKey(s().exporter), when: formatDateTime(s().exported_at) })}
          </p>
          <dl class="evidence">
            <dt>{t("verify.report_id")}</dt>
            <dd class="mono" data-testid="verify-report-id">{s().report_id}</dd>
            <dt>{t("verify.record_heads")}</dt>
            <dd class="mono">{s().record_heads.join(" ")}</dd>
          </dl>
        </section>
      </article>
    </>
  );
}
