import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ProposalFilter } from "../../lib/ipc";
import { NominationsPanel } from "./NominationsPanel";
import { ProposalCard } from "./ProposalCard";
import { TemplatesPanel } from "./TemplatesPanel";

type Tab = "open" | "closed";
const FILTER: Record<Tab, ProposalFilter> = { open: "open", closed: "ended" };

// The tab survives a visit to a proposal, so Back lands where the member was.
const [tab, setTab] = createSignal<Tab>("open");

/** Open and ended proposals as cards, live as ballots arrive. */
export function ProposalsView(props: { coop: string }) {
  const id = createUniqueId();
  const [list, { refetch }] = createResource(
    () => ({ coop: props.coop, filter: FILTER[tab()] }),
    (q) => ipc.proposals(q.coop, q.filter),
  );

  useEvent((e) => {
    if ((e.type === "tally_changed" || e.type === "record_added") && e.coop === props.coop) {
      void refetch();
    }
  });

  const tabs: Tab[] = ["open", "closed"];
  const tabKey = (e: KeyboardEvent) => {
    // Arrow keys move between tabs, as in every tab strip.
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const next = tab() === "open" ? "closed" : "open";
    setTab(next);
    document.getElementById(`${id}-tab-${next}`)?.focus();
  };

  return (
    <div class="view">
      <div class="view-head">
        <h1 tabindex="-1">{t("proposals.title")}</h1>
        <button
          type="button"
          class="primary"
          data-testid="proposal-new"
          onClick={() => go({ name: "proposal-new" })}
        >
          {t("proposals.new")}
        </button>
      </div>
      <div class="tabs" role="tablist" aria-label={t("proposals.tabs")} onKeyDown={tabKey}>
        <For each={tabs}>
          {(which) => (
            <button
              type="button"
              role="tab"
              id={`${id}-tab-${which}`}
              aria-selected={tab() === which}
              aria-controls={`${id}-panel`}
              tabindex={tab() === which ? 0 : -1}
              data-testid={`proposal-tab-${which}`}
              onClick={() => setTab(which)}
            >
              {which === "open" ? t("proposals.tab_open") : t("proposals.tab_closed")}
            </button>
          )}
        </For>
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab()}`}>
        <Show when={list.error}>
          <p class="form-error" role="alert">
            {ipc.toApiError(list.error).message}
          </p>
        </Show>
        <Show when={list.latest} fallback={<p>{t("proposals.loading")}</p>}>
          {(items) => (
            <Show
              when={items().length > 0}
              fallback={<p>{tab() === "open" ? t("proposals.empty_open") : t("proposals.empty_closed")}</p>}
            >
              <ul class="cards">
                <For each={items()}>
                  {(p) => (
                    <li>
                      <ProposalCard coop={props.coop} summary={p} />
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </div>
      <NominationsPanel coop={props.coop} />
      <TemplatesPanel coop={props.coop} />
    </div>
  );
}
