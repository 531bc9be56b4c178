// The window's theme: light or dark, as the member chose or as the desktop is set.
// The choice is kept with the window (like its language); "system" follows the desktop's
// preference as it changes. The stylesheet reads <html data-theme>.
import { createEffect, createRoot, createSignal } from "solid-js";

export type Theme = "system" | "light" | "dark";

const STORAGE_KEY = "sangam.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

function storedTheme(): Theme {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

const media = typeof matchMedia === "function" ? matchMedia(DARK_QUERY) : null;
const [theme, setThemeSignal] = createSignal<Theme>(storedTheme());
const [systemDark, setSystemDark] = createSignal(media?.matches ?? false);
media?.addEventListener("change", (e) => setSystemDark(e.matches));
export { theme };

export function setTheme(next: Theme) {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // A window without storage still switches; it just forgets at the next start.
  }
  setThemeSignal(next);
}

/** The theme in effect: the member's choice, or the desktop's when they follow it. */
export function shownTheme(): "light" | "dark" {
  const chosen = theme();
  if (chosen === "system") return systemDark() ? "dark" : "light";
  return chosen;
}

createRoot(() => {
  createEffect(() => {
    document.documentElement.dataset.theme = shownTheme();
  });
});
