// What the tray icon says, in the member's language: whether this laptop serves, how many
// of the co-op's laptops synced with it in the last hour and when the last did, and its
// two items. Sent again whenever a word of it changes (the language, a sync, the minute).
import { createEffect, createMemo, createRoot } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import * as ipc from "../ipc";
import { now } from "../time/clock";
import { knownPeers } from "./knownPeers";
import { home } from "./session";

const HOUR_MS = 60 * 60 * 1000;

/** The tray's status line: `lastSynced` holds each known peer's last sync (ms). */
export function trayStatus(serving: boolean, lastSynced: number[], at: number): string {
  if (!serving) return t("tray.not_serving");
  if (lastSynced.length === 0) return t("tray.serving_alone");
  const recent = lastSynced.filter((ms) => at - ms <= HOUR_MS).length;
  return t("tray.serving", { n: recent, last: formatDateTime(Math.max(...lastSynced)) });
}

createRoot(() => {
  let sent = "";
  // The status says minutes at most: worded again each minute, not each second.
  const minute = createMemo(() => Math.floor(now() / 60_000));
  createEffect(() => {
    const texts: ipc.TrayTexts = {
      status: trayStatus(Boolean(home()?.address), knownPeers().map((p) => p.last_synced), minute() * 60_000),
      open: t("tray.open"),
      quit: t("tray.quit"),
    };
    const said = JSON.stringify(texts);
    if (said === sent) return;
    sent = said;
    // A window without a tray takes the texts and shows them nowhere; a failure here has
    // nothing a member could do about it.
    void ipc.trayTexts(texts).catch(() => undefined);
  });
});
