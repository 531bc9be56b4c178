// The current co-op's peers with when each last synced: read when the co-op changes, when
// a peer connects or a sync moves, and again each minute (a sync this window did not see
// as an event, a CLI command on this home, counts too). One list for the sync watch and
// the tray.
import { createEffect, createMemo, createResource, createRoot } from "solid-js";
import * as ipc from "../ipc";
import { now } from "../time/clock";
import { onEvent } from "./events";
import { coopId } from "./session";

export const knownPeers = createRoot(() => {
  const [peers, { refetch }] = createResource(coopId, (coop) => ipc.peers(coop));
  onEvent((e) => {
    if (e.type === "peer_connected" || e.type === "sync_progress") void refetch();
  });
  const minute = createMemo(() => Math.floor(now() / 60_000));
  createEffect(() => {
    minute();
    void refetch();
  });
  return () => peers.latest ?? [];
});
