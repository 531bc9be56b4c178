import { createSignal, createUniqueId } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import { enterCoop, refreshCoops, setMe } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";

/** A new laptop of an existing member: the ticket from their other laptop. */
export function LinkForm() {
  const id = createUniqueId();
  const [ticket, setTicket] = createSignal("");
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const linked = await ipc.link(ticket().trim());
      setMe(await ipc.identity());
      const first = linked.coops[0];
      if (first) {
        await enterCoop(first.coop);
        go({ name: "members" });
      } else {
        await refreshCoops();
      }
    });
  };

  return (
    <form onSubmit={submit} novalidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t("welcome.link")}</h3>
      <p class="hint">{t("welcome.link_hint")}</p>
      <div class="field">
        <label for={`${id}-ticket`}>{t("welcome.link_ticket")}</label>
        <textarea
          id={`${id}-ticket`}
          data-testid="link-ticket-input"
          class="mono"
          rows="4"
          spellcheck={false}
          value={ticket()}
          onInput={(e) => setTicket(e.currentTarget.value)}
        />
      </div>
      <Busy when={action.busy()} text={t("welcome.linking")} />
      <FormError error={action.error()} />
      <button type="submit" class="primary" data-testid="link-submit" disabled={action.busy()}>
        {t("welcome.link_button")}
      </button>
    </form>
  );
}
