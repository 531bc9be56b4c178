import { createSignal, createUniqueId, Match, Show, Switch } from "solid-js";
import { t } from "../../i18n";
import { pendingTicket } from "../../lib/app/links";
import { me } from "../../lib/app/session";
import { CreateCoopForm } from "./CreateCoopForm";
import { IdentityStep } from "./IdentityStep";
import { JoinForm } from "./JoinForm";
import { LanguagePicker } from "../common/LanguagePicker";

/**
 * The first run: an identity, then a co-op to create or join. With an identity already
 * here it opens at step 2; it is also where a member adds another co-op later.
 */
export function Welcome() {
  const id = createUniqueId();
  // A `sangam:` invite link opens the join form with its ticket.
  const [path, setPath] = createSignal<"create" | "join" | null>(pendingTicket() ? "join" : null);

  return (
    <div class="welcome">
      <h1 tabindex="-1">{t("welcome.title")}</h1>
      <p class="lead">{t("welcome.intro")}</p>
      <div class="welcome-language">
        <LanguagePicker />
      </div>
      <Show when={me()} fallback={<IdentityStep />}>
        {(identity) => (
          <section class="card" aria-labelledby={`${id}-h`}>
            <h2 id={`${id}-h`}>{t("welcome.step2")}</h2>
            <p>{t("welcome.hello", { name: identity().name })}</p>
            <p class="hint">{t("welcome.step2_hint")}</p>
            <div class="choice-row" role="group" aria-label={t("welcome.choose")}>
              <button
                type="button"
                class="big"
                data-testid="welcome-create"
                aria-pressed={path() === "create"}
                onClick={() => setPath("create")}
              >
                {t("welcome.create")}
              </button>
              <button
                type="button"
                class="big"
                data-testid="welcome-join"
                aria-pressed={path() === "join"}
                onClick={() => setPath("join")}
              >
                {t("welcome.join")}
              </button>
            </div>
            <Switch>
              <Match when={path() === "create"}>
                <CreateCoopForm />
              </Match>
              <Match when={path() === "join"}>
                <JoinForm />
              </Match>
            </Switch>
          </section>
        )}
      </Show>
    </div>
  );
}
