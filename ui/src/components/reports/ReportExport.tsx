import { createEffect, createResource, createSignal, createUniqueId, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ReportDto } from "../../lib/ipc";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";

/** On a decided proposal: write its signed report (and a printable page) for an auditor. */
export function ReportExport(props: { coop: string; id: string }) {
  const uid = createUniqueId();
  const [defaultPath] = createResource(
    () => ({ coop: props.coop, id: props.id }),
    (q) => ipc.defaultReportPath(q.coop, q.id),
  );
  const [path, setPath] = createSignal("");
  const [page, setPage] = createSignal(true);
  const [written, setWritten] = createSignal<{ path: string; dto: ReportDto } | null>(null);
  const exporting = createAction();

  // Prefill once; a path the member typed stays.
  let filled = false;
  createEffect(() => {
    const p = defaultPath.latest;
    if (p && !filled) {
      filled = true;
      setPath(p);
    }
  });

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const target = path().trim();
    void exporting.run(async () => {
      const dto = await ipc.exportReport(props.coop, props.id, target, page());
      setWritten({ path: target, dto });
    });
  };

  return (
    <section class="card" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t("report.export_title")}</h2>
      <p class="hint">{t("report.export_hint")}</p>
      <form onSubmit={submit} novalidate>
        <div class="field">
          <label for={`${uid}-path`}>{t("report.path")}</label>
          <input
            id={`${uid}-path`}
            data-testid="report-export-path"
            class="mono"
            spellcheck={false}
            value={path()}
            onInput={(e) => setPath(e.currentTarget.value)}
          />
        </div>
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
