// `sangam:` links: an invite pasted into a chat or an email as `sangam:SANGAM1…` opens
// this window's join flow with the ticket filled in. The desktop starts the app with the
// link as its argument; a window already open on the home gets it from the later launch.
import { createSignal } from "solid-js";
import * as ipc from "../ipc";
import { go } from "./screen";

const [pendingTicket, setPendingTicket] = createSignal<string | null>(null);

/** The ticket a link brought, for the join (or link) form to start from. */
export { pendingTicket };

/** Forgets it once used. */
export const clearPendingTicket = () => setPendingTicket(null);

/** The ticket inside a `sangam:` link (`sangam:T` or `sangam://T`), else null. */
export function ticketOfLink(url: string): string | null {
  const m = /^sangam:(?:\/\/)?(.+)$/i.exec(url.trim());
  return m ? m[1]!.trim() : null;
}

function open(url: string) {
  const ticket = ticketOfLink(url);
  if (!ticket) return;
  setPendingTicket(ticket);
  go({ name: "add-coop" });
}

/** Opens the link the window was started with, and every one a later launch hands it. */
export async function startLinks(): Promise<() => void> {
  try {
    const first = await ipc.takeOpenedLink();
    if (first) open(first);
  } catch {
    // Outside the Tauri shell there are no links to open.
  }
  return ipc.onOpenLink(open);
}
