import { For, Show } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import { activity } from "../../lib/app/events";
import { sayLine } from "../../lib/app/said";

/** What the home reported doing, newest first; folded away so it never crowds a view. */
export function ActivityLog() {
  return (
    <aside class="activity" aria-label={t("activity.title")}>
      <details>
        <summary>
          {t("activity.title")}
          <Show when={activity.length > 0}> ({activity.length})</Show>
        </summary>
        <Show when={activity.length > 0} fallback={<p>{t("activity.empty")}</p>}>
          <ol>
            <For each={activity}>
              {(line) => (
                <li>
                  <time datetime={new Date(line.at).toISOString()}>{formatDateTime(line.at)}</time>{" "}
                  {sayLine(line)}
                </li>
              )}
            </For>
          </ol>
        </Show>
      </details>
    </aside>
  );
}
