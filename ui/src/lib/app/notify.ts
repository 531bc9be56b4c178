// Desktop notifications, each kind switchable in Settings (on this laptop): a new
// proposal from another member, a vote closing within a day that the member has not
// answered (reminders.ts), a newcomer asking to join, a fork found (a copy of a home
// wrote as the same device), a sync failing with every peer for an hour (syncWatch.ts). Every notification sent is also a
// line in the activity log, so a member who missed it (or a desktop with no notification
// service) still sees what the window said. Texts are in the member's language.
import { createRoot, createSignal } from "solid-js";
import { t } from "../../i18n";
import * as ipc from "../ipc";
import { noteActivity, onEvent } from "./events";

export type NotifyKind = "proposal" | "reminder" | "join" | "fork" | "sync";
export const NOTIFY_KINDS: ReadonlyArray<NotifyKind> = ["proposal", "reminder", "join", "fork", "sync"];

const key = (kind: NotifyKind) => `sangam.notify.${kind}`;
const SENT = "sangam.notified";

const settings = createRoot(() => {
  const signals = Object.fromEntries(
    NOTIFY_KINDS.map((kind) => [kind, createSignal(localStorage.getItem(key(kind)) !== "off")]),
  ) as Record<NotifyKind, ReturnType<typeof createSignal<boolean>>>;
  return signals;
});

/** Whether notifications of `kind` are on. */
export const notifyOn = (kind: NotifyKind) => settings[kind][0]();

export function setNotifyOn(kind: NotifyKind, on: boolean) {
  localStorage.setItem(key(kind), on ? "on" : "off");
  settings[kind][1](on);
}

function sentBefore(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(SENT) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

/**
 * Notifies once per `id` (kept on this laptop): the activity line always, the desktop
 * notification where there is a notification service. No service (a bare X session, a
 * locked-down desktop) is not an error the member needs to see.
 */
/** Whether `notify(kind, id, …)` would say anything: on, and not said before. */
export function wouldNotify(kind: NotifyKind, id: string): boolean {
  return notifyOn(kind) && !sentBefore().has(`${kind}:${id}`);
}

export async function notify(kind: NotifyKind, id: string, title: string, body: string) {
  if (!notifyOn(kind)) return;
  const sent = sentBefore();
  const once = `${kind}:${id}`;
  if (sent.has(once)) return;
  sent.add(once);
  localStorage.setItem(SENT, JSON.stringify([...sent].slice(-1000)));
  noteActivity(t("notify.activity", { title, body }));
  await ipc.notifyDesktop(title, body);
}

// What other members do, as it arrives. Only proposals still open are news: a laptop
// catching up on a co-op's history is not told of every vote it missed.
createRoot(() =>
  onEvent((e) => {
    // Read the proposal only if it would be news (a laptop catching up sees many).
    if (
      e.type === "record_added" &&
      e.kind === "proposal.open" &&
      e.origin.kind !== "local" &&
      wouldNotify("proposal", e.id)
    ) {
      void ipc
        .proposal(e.coop, e.id)
        .then((p) => {
          if (p.tally.status !== "provisional" || p.tally.closes_at <= Date.now()) return;
          const name = p.voters.find((v) => v.member === p.author)?.name ?? "";
          return notify("proposal", p.id, t("notify.proposal_title"), t("notify.proposal_body", { title: p.title, name }));
        })
        .catch(() => undefined);
    } else if (e.type === "fork_found") {
      void notify(
        "fork",
        `${e.coop}:${e.device}:${e.seq}`,
        t("notify.fork_title"),
        t("notify.fork_body", { device: e.device.slice(0, 8) }),
      );
    } else if (e.type === "join_requested") {
      void notify("join", `${e.coop}:${e.device}`, t("notify.join_title"), t("notify.join_body", { name: e.name }));
    }
  }),
);
