import { createSignal, createUniqueId, Match, Switch } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { setMe } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { LinkForm } from "./LinkForm";
import { RestoreForm } from "./RestoreForm";

/**
 * Step 1: who this laptop is for. A new member gives a name and the keys are made behind
 * it; a member's second laptop links to their other one; a member who lost theirs types
 * the recovery phrase.
 */
export function IdentityStep() {
  const id = createUniqueId();
  const [path, setPath] = createSignal<"new" | "link" | "restore">("new");
  const [name, setName] = createSignal("");
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void action.run(async () => setMe(await ipc.createIdentity(name().trim())));
  };

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("welcome.step1")}</h2>
      <div class="choice-row" role="group" aria-label={t("welcome.who")}>
        <button type="button" data-testid="identity-path-new" aria-pressed={path() === "new"} onClick={() => setPath("new")}>
          {t("welcome.path_new")}
        </button>
        <button type="button" data-testid="identity-path-link" aria-pressed={path() === "link"} onClick={() => setPath("link")}>
          {t("welcome.path_link")}
        </button>
        <button
          type="button"
          data-testid="identity-path-restore"
          aria-pressed={path() === "restore"}
          onClick={() => setPath("restore")}
        >
          {t("welcome.path_restore")}
        </button>
      </div>
      <Switch>
        <Match when={path() === "new"}>
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
        </Match>
        <Match when={path() === "link"}>
          <LinkForm />
        </Match>
        <Match when={path() === "restore"}>
          <RestoreForm />
        </Match>
      </Switch>
    </section>
  );
}
