import { Show } from "solid-js";
import { t } from "../../i18n";
import { dismissNotice, notice } from "../../lib/app/events";
import { sayNotice } from "../../lib/app/said";

/** The home's latest notice (something a member should know now), until dismissed. */
export function NoticeBanner() {
  return (
    <Show when={notice()}>
      {(said) => (
      <div class="notice" role="status">
        <p>{sayNotice(said())}</p>
        <button type="button" onClick={dismissNotice}>
          {t("notice.dismiss")}
        </button>
      </div>
      )}
    </Show>
  );
}
