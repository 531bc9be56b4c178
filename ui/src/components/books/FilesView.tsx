import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import type { BankImportDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { createSavePath, OpenFileField, SaveAsField } from "../common/SaveAs";

/** A bank statement in (previewed, then posted once), the books out (hledger, beancount,
 *  CSV). */
export function FilesView(props: { coop: string }) {
  const uid = createUniqueId();
  const [statement, setStatement] = createSignal("");
  const [rules, setRules] = createSignal("");
  const [report, setReport] = createSignal<BankImportDto | null>(null);
  const importing = createAction();
  const run = (dryRun: boolean) =>
    void importing.run(async () => setReport(await ipc.importBankCsv(props.coop, statement(), rules(), dryRun)));

  const [format, setFormat] = createSignal<ipc.ExportFormat>("hledger");
  const [suggested] = createResource(() => ({ c: props.coop, f: format() }), (q) => ipc.defaultBooksPath(q.c, q.f));
  const [path, setPath] = createSavePath(() => suggested());
  const exporting = createAction();
  const [written, setWritten] = createSignal<string | null>(null);
  return (
    <>
      <section class="card">
        <h2>{t("books.import")}</h2>
        <p class="meta">{t("books.import_hint")}</p>
        <OpenFileField id={`${uid}-st`} testid="import-statement" label={t("books.statement")} value={statement()} onInput={setStatement} />
        <OpenFileField id={`${uid}-ru`} testid="import-rules" label={t("books.rules")} value={rules()} onInput={setRules} />
        <div class="row">
          <button type="button" data-testid="import-preview" disabled={importing.busy()} onClick={() => run(true)}>{t("books.preview")}</button>
          <button type="button" class="primary" data-testid="import-post" disabled={importing.busy() || !report() || report()!.bad > 0 || !report()!.dry_run} onClick={() => run(false)}>
            {t("books.import_post")}
          </button>
        </div>
        <FormError error={importing.error()} />
        <Show when={report()}>
          {(r) => (
            <>
              <p class="meta" role="status" data-testid="import-summary">
                {r().bad > 0 ? t("books.import_bad", { n: r().bad }) : r().dry_run ? t("books.import_preview_done", { n: r().rows.length - r().skipped }) : t("books.import_done", { n: r().posted, skipped: r().skipped })}
              </p>
              <table class="postings">
                <tbody>
                  <For each={r().rows}>
                    {(row) => (
                      <tr class={row.error ? "bad" : ""}>
                        <td>{row.line}</td>
                        <td>{row.date ?? ""}</td>
                        <td>{row.description}</td>
                        <td class="amount">{row.amount ? `${row.amount.text} ${row.amount.commodity}` : ""}</td>
                        <td>{row.counter_account ?? ""}</td>
                        <td>{row.error ?? t(`books.row_${row.status.replace(" ", "_")}` as never)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </>
          )}
        </Show>
      </section>
      <section class="card">
        <h2>{t("books.export")}</h2>
        <div class="field">
          <label for={`${uid}-fmt`}>{t("books.format")}</label>
          <select id={`${uid}-fmt`} data-testid="export-format" onChange={(e) => { setFormat(e.currentTarget.value as ipc.ExportFormat); setPath(""); }}>
            <option value="hledger">hledger</option>
            <option value="beancount">beancount</option>
            <option value="csv">CSV</option>
          </select>
        </div>
        <SaveAsField id={`${uid}-path`} testid="export-path" label={t("books.save_as")} value={path()} onInput={setPath} />
        <button type="button" class="primary" data-testid="export-books" disabled={exporting.busy()} onClick={() => void exporting.run(async () => setWritten(await ipc.exportBooks(props.coop, format(), path())))}>
          {t("books.export_do")}
        </button>
        <FormError error={exporting.error()} />
        <Show when={written()}>{(w) => <p class="meta" role="status">{t("books.written", { path: w() })}</p>}</Show>
      </section>
    </>
  );
}
