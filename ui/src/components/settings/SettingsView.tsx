import { createEffect, createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { coopList, home, me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";
import { LanguagePicker } from "../common/LanguagePicker";
import { ThemePicker } from "../common/ThemePicker";
import { NOTIFY_KINDS, notifyOn, setNotifyOn } from "../../lib/app/notify";
import { LinkPanel } from "./LinkPanel";
import { PhrasePanel } from "./PhrasePanel";

/** The member's profile in this co-op, the window's language, and where the home is. */
export function SettingsView(props: { coop: string }) {
  const id = createUniqueId();
  const [members, { refetch }] = createResource(() => props.coop, ipc.members);
  const mine = () => members.latest?.find((m) => m.key === me()?.member);
  const [name, setName] = createSignal("");
  const [contact, setContact] = createSignal("");
  const [saved, setSaved] = createSignal(false);
  const action = createAction();
  const coopName = () => coopList().find((c) => c.id === props.coop)?.name ?? "";

  // Fill the fields from the profile once it is read; never over what was typed.
  let filled = false;
  createEffect(() => {
    const m = mine();
    if (m && !filled) {
      filled = true;
      setName(m.name);
      setContact(m.contact ?? "");
    }
  });

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setSaved(false);
    const m = mine();
    // null tells the home "unchanged", so saving one field leaves the other as it is.
    const newName = name().trim() === (m?.name ?? "") ? null : name().trim();
    const newContact = contact().trim() === (m?.contact ?? "") ? null : contact().trim();
    void action.run(async () => {
      await ipc.updateProfile(props.coop, newName, newContact);
      setSaved(true);
      void refetch();
    });
  };

  return (
    <div class="view">
      <h1 tabindex="-1">{t("settings.title")}</h1>
      <section class="card" aria-labelledby={`${id}-p`}>
        <h2 id={`${id}-p`}>{t("settings.profile", { coop: coopName() })}</h2>
        <form onSubmit={submit} novalidate>
          <div class="field">
            <label for={`${id}-name`}>{t("settings.name")}</label>
            <input
              id={`${id}-name`}
              data-testid="profile-name"
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for={`${id}-contact`}>{t("settings.contact")}</label>
            <input
              id={`${id}-contact`}
              data-testid="profile-contact"
              value={contact()}
              onInput={(e) => setContact(e.currentTarget.value)}
            />
          </div>
          <FormError error={action.error()} />
          <Show when={saved()}>
            <p class="ok" role="status">
              {t("settings.saved")}
            </p>
          </Show>
          <button type="submit" class="primary" data-testid="profile-save" disabled={action.busy()}>
            {t("settings.save")}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby={`${id}-l`}>
        <h2 id={`${id}-l`}>{t("settings.language")}</h2>
        <LanguagePicker />
        <ThemePicker />
        <fieldset>
          <legend>{t("settings.notify")}</legend>
          <For each={NOTIFY_KINDS}>
            {(kind) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={`${id}-notify-${kind}`}
                  data-testid={`notify-${kind}`}
                  checked={notifyOn(kind)}
                  onChange={(e) => setNotifyOn(kind, e.currentTarget.checked)}
                />
                <label for={`${id}-notify-${kind}`}>{t(`settings.notify_${kind}` as Key)}</label>
              </div>
            )}
          </For>
        </fieldset>
      </section>
      <section class="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t("settings.home")}</h2>
        <div class="field">
          <label for={`${id}-home`}>{t("settings.home_path")}</label>
          <input
            id={`${id}-home`}
            data-testid="home-path"
            class="mono"
            readonly
            value={home()?.path ?? ""}
            aria-describedby={`${id}-home-hint`}
          />
          <p class="hint" id={`${id}-home-hint`}>
            {t("settings.home_hint")}
          </p>
        </div>
        <div class="field">
          <label for={`${id}-device`}>{t("settings.device")}</label>
          <input id={`${id}-device`} class="mono" readonly value={home()?.device ?? me()?.device ?? ""} />
        </div>
        <div class="field">
          <label for={`${id}-member`}>{t("settings.member")}</label>
          <input id={`${id}-member`} class="mono" readonly value={me()?.member ?? ""} />
        </div>
      </section>
      <LinkPanel coop={props.coop} />
      <PhrasePanel />
    </div>
  );
}
