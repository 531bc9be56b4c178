import { t, type Key } from "../../i18n";
import type { LivePeer } from "../app/events";
import type { PeerDto, PeerPath } from "../ipc";

/** One device as the peers list shows it: what is remembered, and whether it is here now. */
export type PeerRow = {
  device: string;
  member: string | null;
  path: PeerPath;
  lastSynced: number | null;
  live: LivePeer | null;
};

/**
 * Remembered peers and connected ones merged by device, so a device appears once
 * whether it is in the home's records, on the line now, or both. Connected first.
 */
export function peerRows(remembered: PeerDto[], live: LivePeer[]): PeerRow[] {
  const rows = new Map<string, PeerRow>();
  for (const p of remembered) {
    rows.set(p.device, {
      device: p.device,
      member: p.member_name,
      path: p.path,
      lastSynced: p.last_synced,
      live: null,
    });
  }
  for (const l of live) {
    const known = rows.get(l.device);
    rows.set(l.device, {
      device: l.device,
      member: l.member ?? known?.member ?? null,
      path: l.path,
      lastSynced: known?.lastSynced ?? null,
      live: l,
    });
  }
  return [...rows.values()].sort(
    (a, b) => Number(b.live !== null) - Number(a.live !== null) || (b.lastSynced ?? 0) - (a.lastSynced ?? 0),
  );
}

export const PATH_ICON: Record<PeerPath, string> = { lan: "⌂", direct: "↔", relay: "☁" };

export function pathLabel(path: PeerPath): string {
  return t(`path.${path}` as Key);
}
