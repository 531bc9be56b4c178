// The window's language: which strings it shows and how it writes dates and numbers.
// Strings come from en.ts and ta.ts; a key Tamil lacks shows its English text, so a
// missing translation is never a blank label.
import { createEffect, createRoot, createSignal } from "solid-js";
import { en, type Key } from "./en";
import { ta } from "./ta";

export type Lang = "en" | "ta";
export type { Key };

const STORAGE_KEY = "sangam.language";

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "ta" ? "ta" : "en";
  } catch {
    return "en";
  }
}

const [lang, setLangSignal] = createSignal<Lang>(storedLang());
export { lang };

export function setLang(next: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // A window without storage still switches; it just forgets at the next start.
  }
  setLangSignal(next);
}

/** The BCP 47 locale for Intl: Tamil as written in India; English as the system has it. */
export function locale(): string {
  if (lang() === "ta") return "ta-IN";
  const system = typeof navigator !== "undefined" ? navigator.language : "";
  return system.toLowerCase().startsWith("en") ? system : "en-IN";
}

// Screen readers and axe read the page's language from <html lang>.
createRoot(() => {
  createEffect(() => {
    document.documentElement.lang = lang();
  });
});

export type Vars = Record<string, string | number>;

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, vars?: Vars): string {
  const table: Partial<Record<Key, string>> = lang() === "ta" ? ta : en;
  const text = table[key] ?? en[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === "number" ? formatNumber(v) : v;
  });
}

/** The words of a vote report's printable page in the current language: the `page.*`,
 * `effect.*` and `answer.*` entries of the table (core writes the page with them). */
export function pageWords(): { lang: Lang; words: Record<string, string> } {
  const table: Record<Key, string> = lang() === "ta" ? ta : en;
  const words: Record<string, string> = {};
  for (const [key, text] of Object.entries(table)) {
    if (key.startsWith("page.") || key.startsWith("effect.") || key.startsWith("answer.")) words[key] = text;
  }
  return { lang: lang(), words };
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

/**
 * An exact decimal from a count ("1381.00000") in the reader's locale, with `places`
 * decimals (all of its own when not given). Only for showing: counts are compared as text.
 */
export function formatDecimal(text: string, places?: number): string {
  const own = text.includes(".") ? text.length - text.indexOf(".") - 1 : 0;
  const digits = places ?? own;
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    Number(text),
  );
}

export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(ms),
  );
}

export function formatBytes(bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return new Intl.NumberFormat(locale(), {
    style: "unit",
    unit: units[i],
    unitDisplay: i === 0 ? "long" : "short",
    maximumFractionDigits: i === 0 ? 0 : 1,
  }).format(value);
}

function unit(value: number, u: "day" | "hour" | "minute" | "second"): string {
  return new Intl.NumberFormat(locale(), { style: "unit", unit: u, unitDisplay: "long" }).format(
    value,
  );
}

/** A span of time in the two largest units that matter, e.g. "2 days 3 hours". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${unit(days, "day")} ${unit(hours, "hour")}`;
  if (hours > 0) return `${unit(hours, "hour")} ${unit(minutes, "minute")}`;
  if (minutes > 0) return `${unit(minutes, "minute")} ${unit(seconds, "second")}`;
  return unit(seconds, "second");
}
