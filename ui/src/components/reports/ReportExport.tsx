import { createResource, createSignal, createUniqueId, Show } from "solid-js";
import { pageWords, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ReportDto } from "../../lib/ipc";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";
import { createSavePath, SaveAsField } from "../common/SaveAs";

/** On a decided proposal: write its signed report (and a printable page) for an auditor. */
export function ReportExport(props: { coop: string; id: string }) {
  const uid = createUniqueId();
  const [defaultPath] = createResource(
    () => ({ coop: props.coop, id: props.id }),
    (q) => ipc.defaultReportPath(q.coop, q.id),
  );
  const [path, setPath] = createSavePath(() => defaultPath.latest);
  const [page, setPage] = createSignal(true);
  const [written, setWritten] = createSignal<{ path: string; dto: ReportDto } | null>(null);
  const exporting = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const target = path().trim();
    void exporting.run(async () => {
      // The page is written in the member's language.
      const dto = await ipc.exportReport(props.coop, props.id, target, page(), pageWords());
      setWritten({ path: target, dto });
    });
  };

  return (
    <section class="card" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t("report.export_title")}</h2>
      <p class="hint">{t("report.export_hint")}</p>
      <form onSubmit={submit} novalidate>
        <SaveAsField
          id={`${uid}-path`}
          testid="report-export-path"
          label={t("report.path")}
          value={path()}
          onInput={setPath}
        />
        <div class="check">
          <input
            id={`${uid}-page`}
            type="checkbox"
            checked={page()}
            onChange={(e) => setPage(e.currentTarget.checked)}
          />
          <label for={`${uid}-page`}>{t("report.with_page")}</label>
        </div>
        <Busy when={exporting.busy()} text={t("report.exporting")} />
        <FormError error={exporting.error()} />
        <button type="submit" class="primary" data-testid="report-export" disabled={exporting.busy()}>
          {t("report.export_button")}
        </button>
      </form>
      <Show when={written()}>
        {(w) => (
          <div role="status" data-testid="report-written">
            <p>
              {t("report.written", {
                path: w().path,
                records: w().dto.summary?.records ?? 0,
              })}
            </p>
            <button type="button" class="link" onClick={() => go({ name: "verify" })}>
              {t("report.go_verify")}
            </button>
          </div>
        )}
      </Show>
    </section>
  );
}
