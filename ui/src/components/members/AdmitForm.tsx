import { createSignal, createUniqueId, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** Admitting a newcomer who read their member key aloud: the offline way in. */
export function AdmitForm(props: { coop: string; onAdmitted: () => void }) {
  const id = createUniqueId();
  const [key, setKey] = createSignal("");
  const [name, setName] = createSignal("");
  const [done, setDone] = createSignal<string | null>(null);
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const member = await ipc.admit(props.coop, key().trim(), name().trim());
      // Only a success clears the fields, so the next newcomer starts blank.
      setKey("");
      setName("");
      setDone(t("admit.done", { name: member.name }));
      props.onAdmitted();
    });
  };

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("admit.title")}</h2>
      <p class="hint">{t("admit.hint")}</p>
      <form onSubmit={submit} novalidate>
        <div class="field">
          <label for={`${id}-key`}>{t("admit.key")}</label>
          <input
            id={`${id}-key`}
            data-testid="admit-key"
            class="mono"
            spellcheck={false}
            autocomplete="off"
            value={key()}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-name`}>{t("admit.name")}</label>
          <input
            id={`${id}-name`}
            data-testid="admit-name"
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <FormError error={action.error()} />
        <Show when={done()}>
          <p class="ok" role="status">
            {done()}
          </p>
        </Show>
        <button type="submit" class="primary" data-testid="admit-submit" disabled={action.busy()}>
          {t("admit.submit")}
        </button>
      </form>
    </section>
  );
}
