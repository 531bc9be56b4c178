import { For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { go, screen, sectionOf, type Section } from "../../lib/app/screen";
import { nominationReminders, reminders } from "../../lib/app/reminders";
// Watches for a sync failing with every peer (it notifies; nothing here reads it).
import "../../lib/app/syncWatch";
import { coopId, coopList, home, setCoopId } from "../../lib/app/session";

/** Votes and nominations this member has not answered, closing within a day. */
const remindersDue = () => reminders().length + nominationReminders().length;

const SECTIONS: ReadonlyArray<Section> = ["members", "proposals", "market", "books", "peers", "bundles", "verify", "settings"];

/** The co-op being shown, the sections, and whether this laptop serves. */
export function Header() {
  const coopName = () => coopList().find((c) => c.id === coopId())?.name ?? "";
  return (
    <header class="app-header">
      <div class="brand-row">
        <span class="brand">{t("app.name")}</span>
        <Show
          when={coopList().length > 1}
          fallback={<span class="coop-name">{coopName()}</span>}
        >
          <label class="coop-switch">
            <span class="visually-hidden">{t("header.coop")}</span>
            <select
              data-testid="coop-switch"
              value={coopId() ?? ""}
              onChange={(e) => {
                setCoopId(e.currentTarget.value);
                if (screen().name === "proposal") go({ name: "proposals" });
              }}
            >
              <For each={coopList()}>
                {(c) => (
                  <option value={c.id} selected={c.id === coopId()}>
                    {c.name}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Show>
        <span
          class={home()?.address ? "serving on" : "serving off"}
          title={home()?.address ?? undefined}
          role="status"
        >
          <span class="dot" aria-hidden="true" />
          {home()?.address ? t("header.serving") : t("header.not_serving")}
        </span>
      </div>
      <nav aria-label={t("nav.label")}>
        <ul class="nav">
          <For each={SECTIONS}>
            {(s) => (
              <li>
                <button
                  type="button"
                  data-testid={`nav-${s}`}
                  aria-current={sectionOf(screen()) === s ? "page" : undefined}
                  onClick={() => go({ name: s })}
                >
                  {t(`nav.${s}` as Key)}
                  <Show when={s === "proposals" && remindersDue() > 0}>
                    {" "}
                    <span class="count-badge" data-testid="reminder-badge" aria-hidden="true">
                      {remindersDue()}
                    </span>
                    <span class="visually-hidden">{t("reminder.badge", { n: remindersDue() })}</span>
                  </Show>
                </button>
              </li>
            )}
          </For>
          <li class="nav-end">
            <button
              type="button"
              aria-current={screen().name === "add-coop" ? "page" : undefined}
              onClick={() => go({ name: "add-coop" })}
            >
              {t("nav.add_coop")}
            </button>
          </li>
        </ul>
      </nav>
    </header>
  );
}
