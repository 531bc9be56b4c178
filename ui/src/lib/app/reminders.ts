// Reminders before a vote closes. A member who may vote on an open proposal and has not
// answered it (no ballot, no proxy) is reminded once it closes within 24 hours: a count
// on the Proposals tab, a line on the proposal's card, and one desktop notification per
// proposal on this laptop. The member can turn the notifications off in Settings; the
// count and the line stay, as they only say what is true.
import { createEffect, createResource, createRoot, createSignal } from "solid-js";
import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";
import { t } from "../../i18n";
import * as ipc from "../ipc";
import type { ProposalSummaryDto } from "../ipc";
import { now } from "../time/clock";
import { onEvent } from "./events";
import { coopId } from "./session";

/** How long before a vote closes a member is reminded (core's REMINDER_BEFORE_MS). */
export const REMIND_BEFORE_MS = 24 * 60 * 60 * 1000;

const SETTING = "sangam.reminders";
const SENT = "sangam.reminded";

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

function sentBefore(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(SENT) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

async function notify(p: ProposalSummaryDto) {
  // No notification service (a bare X session, a locked-down desktop) is not an error
  // the member needs to see: the count on the tab still says it.
  try {
    let granted = await isPermissionGranted();
    if (!granted) granted = (await requestPermission()) === "granted";
    if (granted) sendNotification({ title: t("reminder.title"), body: t("reminder.body", { title: p.title }) });
  } catch {
    /* see above */
  }
}

const store = createRoot(() => {
  const [on, setOn] = createSignal(localStorage.getItem(SETTING) !== "off");
  const [open, { refetch }] = createResource(coopId, (coop) => ipc.proposals(coop, "open"));
  onEvent((e) => {
    if ((e.type === "record_added" || e.type === "tally_changed") && e.coop === coopId()) void refetch();
  });
  const due = () => (open.latest ?? []).filter((p) => needsReminder(p, now()));
  createEffect(() => {
    if (!on()) return;
    const sent = sentBefore();
    const fresh = due().filter((p) => !sent.has(p.id));
    if (fresh.length === 0) return;
    for (const p of fresh) {
      sent.add(p.id);
      void notify(p);
    }
    localStorage.setItem(SENT, JSON.stringify([...sent].slice(-500)));
  });
  return { on, setOn, due };
});

/** The open proposals this member should be reminded of now. */
export const reminders = store.due;
/** Whether desktop notifications for reminders are on (this laptop). */
export const remindersOn = store.on;
export function setRemindersOn(value: boolean) {
  localStorage.setItem(SETTING, value ? "on" : "off");
  store.setOn(value);
}
