import { createSignal, createUniqueId } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { setMe } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** Step 1: a name, and the keys made behind it. */
export function IdentityStep() {
  const id = createUniqueId();
  const [name, setName] = createSignal("");
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void action.run(async () => setMe(await ipc.createIdentity(name().trim())));
  };

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("welcome.step1")}</h2>
      <p class="hint">{t("welcome.step1_hint")}</p>
      <form onSubmit={submit} novalidate>
        <div class="field">
          <label for={`${id}-name`}>{t("welcome.name")}</label>
          <input
            id={`${id}-name`}
            data-testid="identity-name"
            autocomplete="name"
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="identity-create" disabled={action.busy()}>
          {t("welcome.create_identity")}
        </button>
      </form>
    </section>
  );
}
