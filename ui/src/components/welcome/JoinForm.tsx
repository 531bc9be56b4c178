import { FileInput } from "../common/FileInput";
import { createSignal, createUniqueId, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { resetTransferProgress, transferProgress } from "../../lib/app/events";
import { fileBytes } from "../../lib/app/files";
import { clearPendingTicket, pendingTicket } from "../../lib/app/links";
import { go } from "../../lib/app/screen";
import { enterCoop } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { JoinDto } from "../../lib/ipc";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";

/** Joining with a ticket, pasted or read from a saved picture of its QR code. */
export function JoinForm() {
  const id = createUniqueId();
  const [ticket, setTicket] = createSignal(pendingTicket() ?? "");
  clearPendingTicket();
  const [pending, setPending] = createSignal<JoinDto | null>(null);
  const join = createAction();
  const reading = createAction();

  const pickImage = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void reading.run(async () => setTicket(await ipc.ticketFromImage(await fileBytes(file))));
  };

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    resetTransferProgress();
    setPending(null);
    void join.run(async () => {
      const result = await ipc.join(ticket().trim(), null);
      if (result.status === "member") {
        await enterCoop(result.coop);
        go({ name: "members" });
      } else {
        setPending(result);
      }
    });
  };

  const progressText = () => {
    const p = transferProgress();
    if (!p) return t("welcome.joining");
    return p.of !== null
      ? t("welcome.received", { received: p.received, of: p.of })
      : t("welcome.received_some", { received: p.received });
  };

  return (
    <form onSubmit={submit} novalidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t("welcome.join")}</h3>
      <p class="hint" id={`${id}-hint`}>
        {t("welcome.ticket_hint")}
      </p>
      <div class="field">
        <label for={`${id}-ticket`}>{t("welcome.ticket")}</label>
        <textarea
          id={`${id}-ticket`}
          data-testid="join-ticket"
          rows="4"
          spellcheck={false}
          aria-describedby={`${id}-hint`}
          value={ticket()}
          onInput={(e) => setTicket(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${id}-img`}>{t("welcome.image")}</label>
        <FileInput
          id={`${id}-img`}
          testId="join-image"
          accept="image/png,image/jpeg"
          onChange={(input) => pickImage(input)}
        />
        <Busy when={reading.busy()} text={t("welcome.reading_image")} />
        <FormError error={reading.error()} />
      </div>
      <Show when={join.busy()}>
        <div class="progress-block" role="status">
          <p>{progressText()}</p>
          <Show when={transferProgress()?.of}>
            {(of) => (
              <progress max={of()} value={transferProgress()?.received ?? 0} aria-label={progressText()} />
            )}
          </Show>
        </div>
      </Show>
      <Show when={pending()}>
        {(p) => <p class="note">{t("welcome.pending", { name: p().name ?? "" })}</p>}
      </Show>
      <FormError error={join.error()} />
      <button type="submit" class="primary" data-testid="join-submit" disabled={join.busy()}>
        {t("welcome.join_submit")}
      </button>
    </form>
  );
}
