import { t } from "../../i18n";
import type { Standing } from "../ipc";

/** The first characters of a key: enough to tell devices apart by eye. */
export function shortKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key;
}

export function standingLabel(standing: Standing): string {
  switch (standing) {
    case "active":
      return t("standing.active");
    case "left":
      return t("standing.left");
    case "removed":
      return t("standing.removed");
  }
}

/** Whether text looks like a member or device key, checked before a call for a quick hint. */
export function looksLikeKey(text: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(text.trim());
}
