import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { formatDateTime, t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { ListingStatus } from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** One listing: its text, its responses (live), and answering it or, for its author,
 * revising it and setting its status. */
export function ListingDetail(props: { coop: string; id: string }) {
  const uid = createUniqueId();
  const [dto, { refetch, mutate }] = createResource(
    () => ({ coop: props.coop, id: props.id }),
    (q) => ipc.listing(q.coop, q.id),
  );
  const [message, setMessage] = createSignal("");
  const responding = createAction();
  const statusing = createAction();
  const moderating = createAction();

  // Only the author changes a listing, or the members by vote: this opens that vote.
  const proposeWithdrawal = (title: string) =>
    void moderating.run(async () => {
      const proposal = await ipc.propose(props.coop, {
        title: t("listing.withdraw_title", { title }),
        text: t("listing.withdraw_text"),
        method: "yes_no",
        options: [],
        quorum_pct: null,
        threshold: null,
        closes_at: Date.now() + 7 * 86_400_000,
        effect: { kind: "withdraw_listing", listing: props.id },
      });
      go({ name: "proposal", id: proposal.id });
    });

  useEvent((e) => {
    if (e.type === "record_added" && e.coop === props.coop && e.kind.startsWith("listing.")) void refetch();
  });

  const mine = () => dto.latest?.listing.author === me()?.member;
  const send = (e: SubmitEvent) => {
    e.preventDefault();
    void responding.run(async () => {
      mutate(await ipc.respond(props.coop, props.id, message(), null));
      setMessage("");
    });
  };
  const setStatus = (status: ListingStatus) =>
    void statusing.run(async () => mutate(await ipc.setListingStatus(props.coop, props.id, status)));

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go({ name: "market" })}>
        ← {t("common.back")}
      </button>
      <Show when={dto.error && !dto.latest}>
        <p class="form-error" role="alert">{ipc.toApiError(dto.error).message}</p>
      </Show>
      <Show when={dto.latest}>
        {(d) => {
          const l = () => d().listing;
          return (
            <article data-testid="listing-detail" data-id={l().id}>
              <p class="meta">
                <span class={`badge kind-${l().kind}`}>{t(`market.kind_${l().kind}` as Key)}</span>{" "}
                {t(`market.status_${l().status}` as Key)}
              </p>
              <h1 tabindex="-1">{l().title}</h1>
              <p class="meta">
                {t("listing.by", { name: l().author_name ?? l().author.slice(0, 12), date: formatDateTime(l().posted_at) })}
              </p>
              <dl class="evidence">
                <dt>{t("listing.price_shown")}</dt>
                <dd data-testid="listing-price">{l().price ?? t("market.by_arrangement")}</dd>
                <Show when={l().category}>
                  <dt>{t("listing.category")}</dt>
                  <dd>{l().category}</dd>
                </Show>
                <Show when={l().quantity !== null}>
                  <dt>{t("listing.quantity")}</dt>
                  <dd>{l().quantity}</dd>
                </Show>
                <Show when={l().location}>
                  <dt>{t("listing.location")}</dt>
                  <dd>{l().location}</dd>
                </Show>
              </dl>
              <Show when={l().description.trim()}>
                <p class="prose">{l().description}</p>
              </Show>
              <Show when={mine()}>
                <section class="card actions" aria-labelledby={`${uid}-own`}>
                  <h2 id={`${uid}-own`}>{t("listing.yours")}</h2>
                  <div class="row">
                    <button type="button" data-testid="listing-edit" onClick={() => go({ name: "listing-edit", id: l().id })}>
                      {t("listing.revise")}
                    </button>
                    <For each={["open", "reserved", "done", "withdrawn"] as ListingStatus[]}>
                      {(s) => (
                        <button
                          type="button"
                          data-testid={`listing-set-${s}`}
                          disabled={statusing.busy() || l().status === s}
                          onClick={() => setStatus(s)}
                        >
                          {t(`listing.mark_${s}` as Key)}
                        </button>
                      )}
                    </For>
                  </div>
                  <FormError error={statusing.error()} />
                </section>
              </Show>
              <section class="card" aria-labelledby={`${uid}-r`}>
                <h2 id={`${uid}-r`}>{t("listing.responses", { n: d().responses.length })}</h2>
                <ul data-testid="listing-responses">
                  <For each={d().responses} fallback={<li class="muted">{t("listing.no_responses")}</li>}>
                    {(r) => (
                      <li data-testid="listing-response">
                        <strong>{r.author_name ?? r.author.slice(0, 12)}</strong> ({formatDateTime(r.at)}): {r.message}
                      </li>
                    )}
                  </For>
                </ul>
                <Show when={!mine() && l().status !== "withdrawn"}>
                  <p class="hint">
                    {t("listing.moderate_hint")}{" "}
                    <button
                      type="button"
                      class="link"
                      data-testid="listing-moderate"
                      disabled={moderating.busy()}
                      onClick={() => proposeWithdrawal(l().title)}
                    >
                      {t("listing.moderate")}
                    </button>
                  </p>
                  <FormError error={moderating.error()} />
                </Show>
                <Show when={!mine()}>
                  <form onSubmit={send} novalidate>
                    <div class="field">
                      <label for={`${uid}-msg`}>{t("listing.message")}</label>
                      <textarea
                        id={`${uid}-msg`}
                        data-testid="listing-message"
                        rows="3"
                        value={message()}
                        onInput={(e) => setMessage(e.currentTarget.value)}
                      />
                    </div>
                    <FormError error={responding.error()} />
                    <button type="submit" class="primary" data-testid="listing-respond" disabled={responding.busy()}>
                      {t("listing.respond")}
                    </button>
                  </form>
                </Show>
              </section>
            </article>
          );
        }}
      </Show>
    </div>
  );
}
