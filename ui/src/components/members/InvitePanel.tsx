import { createSignal, createUniqueId, For, Match, Show, Switch } from "solid-js";
import { formatDateTime, formatDuration, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { newcomers, type Newcomer } from "../../lib/app/events";
import * as ipc from "../../lib/ipc";
import { shownInvites, showInvite } from "../../lib/members/invite";
import { now } from "../../lib/time/clock";
import { NumberField } from "../common/NumberField";
import { FormError } from "../common/FormError";

function newcomerText(n: Newcomer): string {
  const d = n.decision;
  if (!d) return t("invite.requested", { name: n.name });
  switch (d.kind) {
    case "welcomed":
      return t("invite.welcomed", { name: n.name });
    case "put_to_vote":
      return t("invite.put_to_vote", { name: n.name });
    case "refused":
      return t("invite.refused", { name: n.name, reason: d.reason });
  }
}

/** An invite: the big QR code, the ticket to copy, its expiry, and who came through it. */
export function InvitePanel(props: { coop: string }) {
  const id = createUniqueId();
  const [hours, setHours] = createSignal("24");
  const [uses, setUses] = createSignal("1");
  const [copied, setCopied] = createSignal<"yes" | "failed" | null>(null);
  const action = createAction();
  const shown = () => shownInvites[props.coop];
  // Only those who came after this invite was made belong to it.
  const arrivals = () => {
    const since = shown()?.since;
    return since === undefined ? [] : newcomers.filter((n) => n.coop === props.coop && n.at >= since);
  };

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const h = Number(hours().trim());
    const u = Number(uses().trim());
    if (!Number.isInteger(h) || hours().trim() === "") {
      action.setError(t("common.not_a_number", { field: t("invite.hours") }));
      return;
    }
    if (!Number.isInteger(u) || uses().trim() === "") {
      action.setError(t("common.not_a_number", { field: t("invite.uses") }));
      return;
    }
    setCopied(null);
    void action.run(async () => {
      const invite = await ipc.createInvite(props.coop, h, u);
      const svg = await ipc.qrSvg(invite.ticket);
      showInvite(props.coop, { invite, svg, since: Date.now() });
    });
  };

  const copy = async (ticket: string) => {
    try {
      await navigator.clipboard.writeText(ticket);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };

  return (
    <section class="card invite" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("invite.title")}</h2>
      <p class="hint">{t("invite.hint")}</p>
      <form onSubmit={submit} novalidate class="inline-form">
        <NumberField label={t("invite.hours")} testid="invite-hours" min={1} value={hours()} onInput={setHours} />
        <NumberField label={t("invite.uses")} testid="invite-uses" min={1} value={uses()} onInput={setUses} />
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="invite-create" disabled={action.busy()}>
          {t("invite.create")}
        </button>
      </form>
      <Show when={shown()}>
        {(s) => {
          const left = () => s().invite.expires_at - now();
          return (
            <div class="invite-shown">
              <div
                class="qr"
                role="img"
                aria-label={t("invite.qr")}
                data-testid="invite-qr"
                innerHTML={s().svg}
              />
              <div class="field">
                <label for={`${id}-ticket`}>{t("invite.ticket")}</label>
                <textarea
                  id={`${id}-ticket`}
                  data-testid="invite-ticket"
                  class="mono"
                  readonly
                  rows="4"
                  value={s().invite.ticket}
                  onFocus={(e) => e.currentTarget.select()}
                />
              </div>
              <p class="hint">{t("invite.link_hint")}</p>
              <div class="row">
                <button type="button" data-testid="invite-copy" onClick={() => void copy(s().invite.ticket)}>
                  {t("invite.copy")}
                </button>
                <button type="button" data-testid="invite-copy-link" onClick={() => void copy(s().invite.link)}>
                  {t("invite.copy_link")}
                </button>
                <span role="status">
                  <Switch>
                    <Match when={copied() === "yes"}>{t("invite.copied")}</Match>
                    <Match when={copied() === "failed"}>{t("invite.copy_failed")}</Match>
                  </Switch>
                </span>
              </div>
              <p>
                <Show when={left() > 0} fallback={t("invite.expired")}>
                  {t("invite.expires_in", {
                    left: formatDuration(left()),
                    date: formatDateTime(s().invite.expires_at),
                  })}
                </Show>
                {" · "}
                {t("invite.uses_left", { uses: s().invite.uses })}
              </p>
              <div data-testid="invite-status" role="status" class="invite-status">
                <Show when={arrivals().length > 0} fallback={<p>{t("invite.waiting")}</p>}>
                  <ul>
                    <For each={arrivals()}>{(n) => <li>{newcomerText(n)}</li>}</For>
                  </ul>
                </Show>
              </div>
            </div>
          );
        }}
      </Show>
    </section>
  );
}
