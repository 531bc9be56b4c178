import { createRoot, createSignal } from "solid-js";

// One ticking clock for the whole window, so every countdown moves together and only
// one timer runs however many cards are on screen.
export const now = createRoot(() => {
  const [now, setNow] = createSignal(Date.now());
  setInterval(() => setNow(Date.now()), 1000);
  return now;
});
