// A sync that has failed with every peer for over an hour. This laptop serves, it knows
// the co-op's other laptops, and none has synced with it for an hour (counted from when
// the window opened, if that is later): the member hears of it once per such stretch, in
// a notification they can switch off in Settings and a line in the activity log. A
// co-op with no other laptop yet has nothing to fail with.
import { createEffect, createMemo, createRoot } from "solid-js";
import { t } from "../../i18n";
import { now } from "../time/clock";
import { knownPeers } from "./knownPeers";
import { notify } from "./notify";
import { coopId, home } from "./session";

/** How long without a sync with any peer counts as failing. */
export const SYNC_STALL_MS = 60 * 60 * 1000;

/** A shorter stretch, for the end-to-end tests only (this laptop's web storage). */
const STALL_FOR_TESTS = "sangam.test.sync_stall_ms";

/**
 * Since when the sync with every peer has failed, or null: `lastSynced` holds each known
 * peer's last sync (ms), `watchingSince` when this window began to watch.
 */
export function syncFailingSince(lastSynced: number[], watchingSince: number, at: number, stallMs: number): number | null {
  if (lastSynced.length === 0) return null;
  const since = Math.max(watchingSince, ...lastSynced);
  return at - since >= stallMs ? since : null;
}

function stallMs(): number {
  const forTests = Number(localStorage.getItem(STALL_FOR_TESTS));
  return forTests > 0 ? forTests : SYNC_STALL_MS;
}

createRoot(() => {
  const watchingSince = Date.now();
  const failingSince = createMemo(() =>
    home()?.address ? syncFailingSince(knownPeers().map((p) => p.last_synced), watchingSince, now(), stallMs()) : null,
  );
  createEffect(() => {
    const since = failingSince();
    const coop = coopId();
    if (since === null || !coop) return;
    const hours = Math.max(1, Math.floor((now() - since) / 3_600_000));
    void notify("sync", `${coop}:${since}`, t("notify.sync_title"), t("notify.sync_body", { hours }));
  });
});
