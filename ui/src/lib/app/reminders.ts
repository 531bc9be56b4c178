// Reminders before a vote closes. A member who may vote on an open proposal and has not
// answered it (no ballot, no proxy) is reminded once it closes within 24 hours: a count
// on the Proposals tab, a line on the proposal's card, and one desktop notification per
// proposal on this laptop (notify.ts). So is a nominee who has not answered their
// nomination when nominations close within 24 hours. The member can turn the notifications off in
// Settings; the count and the line stay, as they only say what is true.
import { createEffect, createMemo, createResource, createRoot } from "solid-js";
import { t } from "../../i18n";
import * as ipc from "../ipc";
import type { NominationCallDto, ProposalSummaryDto } from "../ipc";
import { now } from "../time/clock";
import { onEvent } from "./events";
import { notify } from "./notify";
import { coopId } from "./session";

/** How long before a vote closes a member is reminded (core's REMINDER_BEFORE_MS). */
export const REMIND_BEFORE_MS = 24 * 60 * 60 * 1000;

/** The rule core's `ProposalSummaryDto::needs_reminder` states, at `now`. */
export function needsReminder(p: ProposalSummaryDto, now: number): boolean {
  return (
    p.status === "provisional" &&
    p.you_may_vote &&
    !p.you_answered &&
    p.closes_at > now &&
    p.closes_at - now <= REMIND_BEFORE_MS
  );
}

/** The rule core's `NominationCallDto::needs_reminder` states, at `now`. */
export function needsAnswer(c: NominationCallDto, now: number): boolean {
  return c.you_must_answer && c.closes_at > now && c.closes_at - now <= REMIND_BEFORE_MS;
}

const calls = createRoot(() => {
  const [list, { refetch }] = createResource(coopId, (coop) => ipc.nominationCalls(coop));
  onEvent((e) => {
    if (e.type === "record_added" && e.coop === coopId()) void refetch();
  });
  const due = createMemo(
    () => (list.latest ?? []).filter((c) => needsAnswer(c, now())),
    [],
    { equals: (a, b) => a.length === b.length && a.every((c, i) => c.id === b[i]?.id) },
  );
  createEffect(() => {
    for (const c of due())
      void notify("reminder", c.id, t("reminder.nomination_title"), t("reminder.nomination_body", { title: c.title }));
  });
  return { due, list, refetch };
});

const store = createRoot(() => {
  const [open, { refetch }] = createResource(coopId, (coop) => ipc.proposals(coop, "open"));
  onEvent((e) => {
    if ((e.type === "record_added" || e.type === "tally_changed") && e.coop === coopId()) void refetch();
  });
  // The clock ticks every second; the list (and the notifications it starts) changes only
  // when a proposal enters or leaves it.
  const due = createMemo(
    () => (open.latest ?? []).filter((p) => needsReminder(p, now())),
    [],
    { equals: (a, b) => a.length === b.length && a.every((p, i) => p.id === b[i]?.id) },
  );
  createEffect(() => {
    for (const p of due()) void notify("reminder", p.id, t("reminder.title"), t("reminder.body", { title: p.title }));
  });
  return { due };
});

/** The open proposals this member should be reminded of now. */
export const reminders = store.due;

/** The calls for nominations this member should answer now. */
export const nominationReminders = calls.due;

/** The open co-op's calls for nominations (one fetch for the reminders and the panel),
 * and a refetch after the member acts on one. */
export const coopCalls = () => calls.list.latest;
export const refetchCalls = () => void calls.refetch();
