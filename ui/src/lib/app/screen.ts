import { createSignal } from "solid-js";
import type { EffectForm } from "../ipc";

/** What a new-proposal form opens with, e.g. a removal started from the members list. */
export type ProposalPrefill = { title?: string; effect?: EffectForm };

/** Which view the window shows. A screen is data, so switching is one signal write. */
export type Screen =
  | { name: "members" }
  | { name: "proposals" }
  | { name: "proposal"; id: string }
  | { name: "proposal-new"; prefill?: ProposalPrefill }
  | { name: "market" }
  | { name: "listing"; id: string }
  | { name: "listing-new" }
  | { name: "listing-edit"; id: string }
  | { name: "books" }
  | { name: "entry-new" }
  | { name: "peers" }
  | { name: "bundles" }
  | { name: "verify" }
  | { name: "settings" }
  | { name: "add-coop" };

export type Section = "members" | "proposals" | "market" | "books" | "peers" | "bundles" | "verify" | "settings";

const [screen, setScreen] = createSignal<Screen>({ name: "members" });
export { screen };

export function go(next: Screen) {
  setScreen(next);
  // A new view starts at its top, and focus goes to its heading so keyboard and screen
  // reader users land where the content begins rather than on the button they left.
  queueMicrotask(() => {
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>("main h1")?.focus();
  });
}

/** The nav entry a screen belongs to (a proposal's detail is under Proposals). */
export function sectionOf(s: Screen): Section | null {
  switch (s.name) {
    case "proposal":
    case "proposal-new":
      return "proposals";
    case "listing":
    case "listing-new":
    case "listing-edit":
      return "market";
    case "entry-new":
      return "books";
    case "add-coop":
      return null;
    default:
      return s.name;
  }
}
