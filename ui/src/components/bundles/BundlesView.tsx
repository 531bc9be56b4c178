import { FileInput } from "../common/FileInput";
import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { formatBytes, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { fileBytes } from "../../lib/app/files";
import { refreshCoops } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { ExportDto, ImportDto } from "../../lib/ipc";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";
import { createSavePath, SaveAsField } from "../common/SaveAs";

type Result = { kind: "export"; path: string; dto: ExportDto } | { kind: "import"; dto: ImportDto };

/** Carrying the co-op on a file: exporting one, importing one. */
export function BundlesView(props: { coop: string }) {
  const id = createUniqueId();
  const [defaultPath] = createResource(() => props.coop, ipc.defaultBundlePath);
  const [path, setPath] = createSavePath(() => defaultPath.latest);
  const [result, setResult] = createSignal<Result | null>(null);
  const exporting = createAction();
  const importing = createAction();

  const exported = () => {
    const r = result();
    return r?.kind === "export" ? r : null;
  };
  const imported = () => {
    const r = result();
    return r?.kind === "import" ? r : null;
  };

  const doExport = (e: SubmitEvent) => {
    e.preventDefault();
    const target = path().trim();
    void exporting.run(async () => {
      const dto = await ipc.exportBundle(props.coop, target);
      setResult({ kind: "export", path: target, dto });
    });
  };

  const doImport = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void importing.run(async () => {
      const dto = await ipc.importBundle(await fileBytes(file));
      setResult({ kind: "import", dto });
      // A bundle may bring a co-op this home did not hold.
      if (dto.joined) await refreshCoops();
    });
    // Picking the same file again must fire another change.
    input.value = "";
  };

  return (
    <div class="view">
      <h1 tabindex="-1">{t("bundles.title")}</h1>
      <p class="lead">{t("bundles.hint")}</p>
      <div class="columns">
        <section class="card" aria-labelledby={`${id}-ex`}>
          <h2 id={`${id}-ex`}>{t("bundles.export")}</h2>
          <form onSubmit={doExport} novalidate>
            <SaveAsField
              id={`${id}-path`}
              testid="bundle-export-path"
              label={t("bundles.path")}
              value={path()}
              onInput={setPath}
            />
            <Busy when={exporting.busy()} text={t("bundles.exporting")} />
            <FormError error={exporting.error()} />
            <button type="submit" class="primary" data-testid="bundle-export" disabled={exporting.busy()}>
              {t("bundles.export_button")}
            </button>
          </form>
        </section>
        <section class="card" aria-labelledby={`${id}-im`}>
          <h2 id={`${id}-im`}>{t("bundles.import")}</h2>
          <div class="field">
            <label for={`${id}-file`}>{t("bundles.file")}</label>
            <FileInput
              id={`${id}-file`}
              testId="bundle-import"
              disabled={importing.busy()}
              onChange={(input) => doImport(input)}
            />
          </div>
          <Busy when={importing.busy()} text={t("bundles.importing")} />
          <FormError error={importing.error()} />
        </section>
      </div>
      <Show when={result()}>
          <section class="card result" aria-labelledby={`${id}-res`} data-testid="bundle-result" role="status">
            <h2 id={`${id}-res`}>{t("bundles.result")}</h2>
            <Show when={exported()}>
              {(ex) => (
                <p>
                  {t("bundles.exported", {
                    changes: ex().dto.changes,
                    bytes: formatBytes(ex().dto.bytes),
                    path: ex().path,
                  })}
                </p>
              )}
            </Show>
            <Show when={imported()}>
              {(im) => (
                <>
                  <p>
                    {t("bundles.imported", {
                      name: im().dto.name,
                      applied: im().dto.applied,
                      duplicates: im().dto.duplicates,
                      rejected: im().dto.rejected.length,
                    })}
                  </p>
                  <Show when={im().dto.joined}>
                    <p>{t("bundles.joined", { name: im().dto.name })}</p>
                  </Show>
                  <Show when={im().dto.rejected.length > 0}>
                    <p>{t("bundles.rejected")}</p>
                    <ul>
                      <For each={im().dto.rejected}>
                        {(rej) => (
                          <li>
                            <Show when={rej.change}>{(c) => <code class="key">{c().slice(0, 12)}</code>}</Show>{" "}
                            {rej.reason}
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </>
              )}
            </Show>
          </section>
      </Show>
    </div>
  );
}
