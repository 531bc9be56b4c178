import { createSignal, createUniqueId, Show } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import type { LinkDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { NumberField } from "../common/NumberField";

/** Linking another laptop of this member: a one-time ticket and its QR code. */
export function LinkPanel(props: { coop: string }) {
  const id = createUniqueId();
  const [minutes, setMinutes] = createSignal("10");
  const [shown, setShown] = createSignal<{ link: LinkDto; svg: string } | null>(null);
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const m = Number(minutes().trim());
    if (!Number.isInteger(m) || minutes().trim() === "") {
      action.setError(t("common.not_a_number", { field: t("link.minutes") }));
      return;
    }
    void action.run(async () => {
      const link = await ipc.createLink(props.coop, m);
      setShown({ link, svg: await ipc.qrSvg(link.ticket) });
    });
  };

  return (
    <section class="card invite" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("link.title")}</h2>
      <p class="hint">{t("link.hint")}</p>
      <form onSubmit={submit} novalidate class="inline-form">
        <NumberField label={t("link.minutes")} testid="link-minutes" min={1} value={minutes()} onInput={setMinutes} />
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="link-create" disabled={action.busy()}>
          {t("link.create")}
        </button>
      </form>
      <Show when={shown()}>
        {(s) => (
          <div class="invite-shown">
            <div class="qr" role="img" aria-label={t("link.qr")} data-testid="link-qr" innerHTML={s().svg} />
            <div class="field">
              <label for={`${id}-ticket`}>{t("link.ticket")}</label>
              <textarea
                id={`${id}-ticket`}
                data-testid="link-ticket"
                class="mono"
                readonly
                rows="4"
                value={s().link.ticket}
                onFocus={(e) => e.currentTarget.select()}
              />
            </div>
            <p class="warn-text">{t("link.once", { date: formatDateTime(s().link.expires_at) })}</p>
          </div>
        )}
      </Show>
    </section>
  );
}
