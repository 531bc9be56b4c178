import { createRoot } from "solid-js";
import { createStore } from "solid-js/store";
import type { InviteDto } from "../ipc";

/** The invite on show per co-op, with its drawn QR code. */
export type ShownInvite = { invite: InviteDto; svg: string; since: number };

// Kept outside the panel so a member can look at another screen while the newcomer
// scans, and come back to the same code and the news of their arrival.
const store = createRoot(() => createStore<Record<string, ShownInvite | undefined>>({}));

export const shownInvites = store[0];
export const showInvite = (coop: string, shown: ShownInvite | undefined) => store[1](coop, shown);
