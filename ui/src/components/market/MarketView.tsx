import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ListingKind, ListingSummaryDto } from "../../lib/ipc";

// The search and filters survive a visit to a listing, so Back lands where the member was.
const [search, setSearch] = createSignal("");
const [kind, setKind] = createSignal<ListingKind | "">("");
const [status, setStatus] = createSignal("open");

/** Offers, wants and gifts: searched as one types, in any script, live as they change. */
export function MarketView(props: { coop: string }) {
  const id = createUniqueId();
  const [list, { refetch }] = createResource(
    () => ({ coop: props.coop, search: search(), kind: kind(), status: status() }),
    (q) =>
      ipc.listings(q.coop, {
        search: q.search.trim() === "" ? null : q.search,
        kind: q.kind === "" ? null : q.kind,
        category: null,
        status: q.status === "" ? null : q.status,
        author: null,
      }),
  );

  useEvent((e) => {
    if (e.type === "record_added" && e.coop === props.coop && e.kind.startsWith("listing.")) void refetch();
  });

  return (
    <div class="view">
      <div class="row spread">
        <h1 tabindex="-1">{t("market.title")}</h1>
        <button type="button" class="primary" data-testid="listing-new" onClick={() => go({ name: "listing-new" })}>
          {t("market.post")}
        </button>
      </div>
      <p class="lead">{t("market.hint")}</p>
      <div class="inline-form" role="search">
        <div class="field grow">
          <label for={`${id}-q`}>{t("market.search")}</label>
          <input
            id={`${id}-q`}
            type="search"
            data-testid="listing-search"
            value={search()}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-kind`}>{t("market.kind")}</label>
          <select id={`${id}-kind`} data-testid="listing-kind-filter" onChange={(e) => setKind(e.currentTarget.value as ListingKind | "")}>
            <option value="" selected={kind() === ""}>{t("market.any")}</option>
            <For each={["offer", "want", "gift"] as const}>
              {(k) => <option value={k} selected={kind() === k}>{t(`market.kind_${k}` as Key)}</option>}
            </For>
          </select>
        </div>
        <div class="field">
          <label for={`${id}-status`}>{t("market.status")}</label>
          <select id={`${id}-status`} data-testid="listing-status-filter" onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="" selected={status() === ""}>{t("market.any")}</option>
            <For each={["open", "reserved", "done", "withdrawn", "expired"]}>
              {(s) => <option value={s} selected={status() === s}>{t(`market.status_${s}` as Key)}</option>}
            </For>
          </select>
        </div>
      </div>
      <Show when={list.error}>
        <p class="form-error" role="alert">{ipc.toApiError(list.error).message}</p>
      </Show>
      <ul class="cards" aria-live="polite">
        <For each={list.latest ?? []} fallback={<li class="muted">{t("market.none")}</li>}>
          {(l) => <ListingCard listing={l} />}
        </For>
      </ul>
    </div>
  );
}

function ListingCard(props: { listing: ListingSummaryDto }) {
  const l = () => props.listing;
  return (
    <li class="card listing-card" data-testid="listing-card" data-id={l().id}>
      <button type="button" class="card-link" onClick={() => go({ name: "listing", id: l().id })}>
        <span class={`badge kind-${l().kind}`}>{t(`market.kind_${l().kind}` as Key)}</span>
        <strong>{l().title}</strong>
      </button>
      <p class="meta">
        {l().price ?? t("market.by_arrangement")} · {t(`market.status_${l().status}` as Key)} ·{" "}
        {l().author_name ?? l().author.slice(0, 12)}
        <Show when={l().responses > 0}> · {t("market.responses", { n: l().responses })}</Show>
      </p>
    </li>
  );
}
