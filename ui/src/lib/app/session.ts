// Who is using this window and which co-op they are looking at. Everything here is
// read by many views, so it lives once, outside any component.
import { createSignal } from "solid-js";
import * as ipc from "../ipc";
import type { CoopSummaryDto, HomeDto, IdentityDto } from "../ipc";

const COOP_KEY = "sangam.coop";

export type Phase =
  | { kind: "loading" }
  | { kind: "welcome" }
  | { kind: "app" }
  | { kind: "failed"; message: string };

const [phase, setPhase] = createSignal<Phase>({ kind: "loading" });
const [me, setMe] = createSignal<IdentityDto | null>(null);
const [coopList, setCoopList] = createSignal<CoopSummaryDto[]>([]);
const [coopId, setCoopIdSignal] = createSignal<string | null>(null);
const [home, setHome] = createSignal<HomeDto | null>(null);

export { phase, me, coopList, coopId, home, setMe };

export function setCoopId(id: string) {
  try {
    localStorage.setItem(COOP_KEY, id);
  } catch {
    // Without storage the window opens the first co-op next time instead.
  }
  setCoopIdSignal(id);
}

/** Reads the co-op list; keeps the chosen co-op if it is still here, else the first. */
export async function refreshCoops(prefer?: string): Promise<CoopSummaryDto[]> {
  const list = await ipc.coops();
  setCoopList(list);
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(COOP_KEY);
  } catch {
    remembered = null;
  }
  const wanted = [prefer, coopId(), remembered].find((id) => id && list.some((c) => c.id === id));
  if (wanted) setCoopId(wanted);
  else if (list[0]) setCoopId(list[0].id);
  else setCoopIdSignal(null);
  return list;
}

export async function refreshHome() {
  try {
    setHome(await ipc.homeInfo());
  } catch {
    // The serving indicator just stays as it was; nothing a member can do about it.
  }
}

/** Decides the first screen: Welcome without an identity or a co-op, else the co-op. */
export async function boot() {
  setPhase({ kind: "loading" });
  void refreshHome();
  try {
    setMe(await ipc.identity());
  } catch (e) {
    const err = ipc.toApiError(e);
    if (err.code === "no_identity") {
      setMe(null);
      setPhase({ kind: "welcome" });
      return;
    }
    setPhase({ kind: "failed", message: err.message });
    return;
  }
  try {
    const list = await refreshCoops();
    setPhase({ kind: list.length === 0 ? "welcome" : "app" });
  } catch (e) {
    setPhase({ kind: "failed", message: ipc.toApiError(e).message });
  }
}

/** After creating or joining a co-op: show it. */
export async function enterCoop(id: string) {
  await refreshCoops(id);
  setPhase({ kind: "app" });
}

/** After leaving a co-op: show another, or Welcome when none is left. */
export async function afterLeaving() {
  const list = await refreshCoops();
  setPhase({ kind: list.length === 0 ? "welcome" : "app" });
}
