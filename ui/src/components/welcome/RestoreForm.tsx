import { createSignal, createUniqueId } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { setMe } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** A lost laptop's member: the 24 words bring the key back; the co-op then comes by a
 * ticket or a bundle, and this laptop binds a device key of its own. */
export function RestoreForm() {
  const id = createUniqueId();
  const [phrase, setPhrase] = createSignal("");
  const [name, setName] = createSignal("");
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void action.run(async () => setMe(await ipc.restoreIdentity(phrase(), name().trim())));
  };

  return (
    <form onSubmit={submit} novalidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t("welcome.restore")}</h3>
      <p class="hint">{t("welcome.restore_hint")}</p>
      <div class="field">
        <label for={`${id}-phrase`}>{t("welcome.restore_phrase")}</label>
        <textarea
          id={`${id}-phrase`}
          data-testid="restore-phrase"
          class="mono"
          rows="4"
          spellcheck={false}
          autocomplete="off"
          value={phrase()}
          onInput={(e) => setPhrase(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${id}-name`}>{t("welcome.name")}</label>
        <input
          id={`${id}-name`}
          data-testid="restore-name"
          autocomplete="name"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <FormError error={action.error()} />
      <button type="submit" class="primary" data-testid="restore-submit" disabled={action.busy()}>
        {t("welcome.restore_button")}
      </button>
    </form>
  );
}
