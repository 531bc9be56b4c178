// The home's event stream, fanned out inside the window. One listener talks to the Rust
// side; views subscribe here for as long as they are on screen, and the stores below keep
// what must survive navigation (who is connected, the activity log, an invite's newcomer).
import { createRoot, createSignal, onCleanup, onMount } from "solid-js";
import { createStore, produce } from "solid-js/store";
import * as ipc from "../ipc";
import type { Activity, Event, JoinDecision, Notice, PeerPath } from "../ipc";
import { refreshHome } from "./session";

type Listener = (event: Event) => void;
const listeners = new Set<Listener>();

/** Calls `fn` with each event until the returned function is called (for stores that
 * outlive any one component). */
export function onEvent(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Calls `fn` with each event while the calling component is mounted. */
export function useEvent(fn: Listener) {
  onMount(() => listeners.add(fn));
  onCleanup(() => listeners.delete(fn));
}

export type LivePeer = {
  coop: string;
  device: string;
  member: string | null;
  path: PeerPath;
  since: number;
  received: number;
  sent: number;
  of: number | null;
};

export type Newcomer = {
  coop: string;
  name: string;
  device: string;
  decision: JoinDecision | null;
  /** When this window first heard of them. */
  at: number;
};

/** A line of the activity log: what the home did (worded when shown, in the language of
 * the moment), or what the window itself said (worded already). */
export type LogLine = { at: number; activity?: Activity; text?: string };

const state = createRoot(() => {
  const [live, setLive] = createStore<Record<string, LivePeer>>({});
  const [newcomers, setNewcomers] = createStore<Newcomer[]>([]);
  const [activity, setActivity] = createStore<LogLine[]>([]);
  const [notice, setNotice] = createSignal<Notice | null>(null);
  // The latest transfer seen, for a join running before the co-op is known here.
  const [progress, setProgress] = createSignal<{ received: number; of: number | null } | null>(
    null,
  );
  return {
    live,
    setLive,
    newcomers,
    setNewcomers,
    activity,
    setActivity,
    notice,
    setNotice,
    progress,
    setProgress,
  };
});

export const livePeers = state.live;
export const newcomers = state.newcomers;
export const activity = state.activity;
export const notice = state.notice;
export const dismissNotice = () => state.setNotice(null);

/** Adds a line to the activity log from the window itself (what it notified, say). */
export function noteActivity(text: string) {
  state.setActivity(
    produce((list) => {
      list.unshift({ at: Date.now(), text });
      list.splice(ACTIVITY_KEPT);
    }),
  );
}
export const transferProgress = state.progress;
export const resetTransferProgress = () => state.setProgress(null);

const ACTIVITY_KEPT = 50;

function keep(event: Event) {
  switch (event.type) {
    case "peer_connected":
      state.setLive(event.device, {
        coop: event.coop,
        device: event.device,
        member: event.member,
        path: event.path,
        since: Date.now(),
        received: 0,
        sent: 0,
        of: null,
      });
      break;
    case "peer_disconnected":
      state.setLive(
        produce((all) => {
          delete all[event.device];
        }),
      );
      break;
    case "sync_progress":
      state.setProgress({ received: event.received, of: event.of });
      if (state.live[event.device]) {
        state.setLive(event.device, { received: event.received, sent: event.sent, of: event.of });
      }
      break;
    case "join_requested":
      state.setNewcomers(
        produce((list) => {
          const known = list.find((n) => n.device === event.device && n.coop === event.coop);
          if (known) known.name = event.name;
          else
            list.push({
              coop: event.coop,
              name: event.name,
              device: event.device,
              decision: null,
              at: Date.now(),
            });
        }),
      );
      break;
    case "join_decided":
      state.setNewcomers(
        produce((list) => {
          const known = list.find((n) => n.device === event.device && n.coop === event.coop);
          if (known) {
            known.name = event.name;
            known.decision = event.decision;
          } else {
            list.push({
              coop: event.coop,
              name: event.name,
              device: event.device,
              decision: event.decision,
              at: Date.now(),
            });
          }
        }),
      );
      break;
    case "activity":
      state.setActivity(
        produce((list) => {
          list.unshift({ at: Date.now(), activity: event.activity });
          list.splice(ACTIVITY_KEPT);
        }),
      );
      // Serving starts (and its address appears) as an activity line.
      void refreshHome();
      break;
    case "notice":
      state.setNotice(event.notice);
      break;
    default:
      break;
  }
}

/** Starts listening once for the window's lifetime. */
export async function startEvents(): Promise<() => void> {
  return ipc.onEvent((event) => {
    keep(event);
    for (const fn of listeners) fn(event);
  });
}
