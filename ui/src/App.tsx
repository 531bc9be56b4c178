import { Match, onCleanup, onMount, Show, Switch } from "solid-js";
import { ActivityLog } from "./components/common/ActivityLog";
import { Header } from "./components/common/Header";
import { NoticeBanner } from "./components/common/NoticeBanner";
import { Welcome } from "./components/welcome/Welcome";
import { t } from "./i18n";
import { startEvents } from "./lib/app/events";
import { startLinks } from "./lib/app/links";
import { boot, coopId, phase } from "./lib/app/session";
// The tray's texts follow the language from the first moment (nothing here reads them).
import "./lib/app/tray";
import { Routes } from "./routes/Routes";

export function App() {
  let stop: (() => void) | undefined;
  let stopLinks: (() => void) | undefined;
  onMount(() => {
    // Listen before the first reads, so nothing that happens while they run is missed.
    void startEvents().then((unlisten) => (stop = unlisten));
    void boot().then(() => startLinks().then((unlisten) => (stopLinks = unlisten)));
  });
  onCleanup(() => {
    stop?.();
    stopLinks?.();
  });

  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <Show when={phase().kind === "app"}>
        <Header />
      </Show>
      <main id="main" tabindex="-1">
        <NoticeBanner />
        <Switch>
          <Match when={phase().kind === "loading"}>
            <p class="busy" role="status">
              <span class="spinner" aria-hidden="true" />
              {t("app.loading")}
            </p>
          </Match>
          <Match when={phase().kind === "failed"}>
            <h1 tabindex="-1">{t("app.failed")}</h1>
            <p class="form-error" role="alert">
              {(() => {
                const p = phase();
                return p.kind === "failed" ? p.message : "";
              })()}
            </p>
            <button type="button" class="primary" onClick={() => void boot()}>
              {t("app.retry")}
            </button>
          </Match>
          <Match when={phase().kind === "welcome"}>
            <Welcome />
          </Match>
          <Match when={phase().kind === "app"}>
            {/* Keyed on the co-op, so switching co-ops starts every view afresh. */}
            <Show when={coopId()} keyed>
              {(coop) => <Routes coop={coop} />}
            </Show>
          </Match>
        </Switch>
      </main>
      <Show when={phase().kind === "app"}>
        <ActivityLog />
      </Show>
    </>
  );
}
