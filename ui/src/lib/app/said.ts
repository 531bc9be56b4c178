// What the home says of itself (activity lines and notices) arrives as a code and its
// values; here it is worded in the member's language. The tables below name a key for
// every code, so a code the Rust side adds fails the type check until it is worded.
import { t, type Key, type Vars } from "../../i18n";
import type { Activity, Notice } from "../ipc";
import type { LogLine } from "./events";

const ACTIVITY: Record<Activity["what"], Key> = {
  serving: "said.serving",
  relay_reached: "said.relay_reached",
  relay_not_stored: "said.relay_not_stored",
  local_writes: "said.local_writes",
  home_unreadable: "said.home_unreadable",
  snapshot_not_saved: "said.snapshot_not_saved",
  live_session: "said.live_session",
  live_session_ended: "said.live_session_ended",
  unreachable: "said.unreachable",
  not_of_the_coop: "said.not_of_the_coop",
  address_not_remembered: "said.address_not_remembered",
  not_stored: "said.not_stored",
  stored: "said.stored",
  not_sent_to_newcomer: "said.not_sent_to_newcomer",
  missed: "said.missed",
};

const NOTICE: Record<Notice["what"], Key> = {
  fork: "said.fork",
  new_device: "said.new_device",
  not_mended: "said.not_mended",
  skipped: "said.skipped",
  made_private: "said.made_private",
  reloaded: "said.reloaded",
  cannot_serve: "said.cannot_serve",
};

/** Values that are ids (hex): shown by their first 8 characters, as everywhere else. */
const IDS = new Set(["device", "coop", "old", "new", "found_in"]);

function vars(said: Activity | Notice): Vars {
  const out: Vars = {};
  for (const [name, value] of Object.entries(said)) {
    if (name === "what") continue;
    out[name] = IDS.has(name) && typeof value === "string" ? value.slice(0, 8) : (value as string | number);
  }
  return out;
}

export const sayActivity = (a: Activity) => t(ACTIVITY[a.what], vars(a));
export const sayNotice = (n: Notice) => t(NOTICE[n.what], vars(n));
export const sayLine = (line: LogLine) => (line.activity ? sayActivity(line.activity) : (line.text ?? ""));
