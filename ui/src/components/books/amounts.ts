// The posting form's running difference, in the member's own decimals: "1,250.50" and
// "-1250.5" sum exactly (as scaled integers), so the form can say what is off before
// anything is sent. The commodity's own decimal places are checked by core on posting.

/** A typed amount as an integer of 10^-decimals units, or null when it is not a number.
 *  `mark` is the co-op's decimal mark on this laptop; the other mark only groups. */
export function parseAmount(text: string, mark: "point" | "comma" = "point"): { units: bigint; decimals: number } | null {
  const grouping = mark === "comma" ? /\./g : /,/g;
  const ungrouped = text.replace(grouping, "").trim();
  const t = mark === "comma" ? ungrouped.replace(",", ".") : ungrouped;
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return null;
  const decimals = m[3]?.length ?? 0;
  const units = BigInt(m[2] + (m[3] ?? ""));
  return { units: m[1] === "-" ? -units : units, decimals };
}

/** Per commodity, the sum of the lines (in the most decimals any of them used). */
export function differences(
  lines: { amount: string; commodity: string }[],
  mark: "point" | "comma" = "point",
): Map<string, string> {
  const by = new Map<string, { amount: string }[]>();
  for (const l of lines) {
    if (l.amount.trim() === "") continue;
    const c = l.commodity.trim().toUpperCase();
    by.set(c, [...(by.get(c) ?? []), l]);
  }
  const out = new Map<string, string>();
  for (const [c, ls] of by) {
    const parsed = ls.map((l) => parseAmount(l.amount, mark));
    if (parsed.some((p) => p === null)) continue;
    const places = Math.max(...parsed.map((p) => p!.decimals));
    let sum = 0n;
    for (const p of parsed) sum += p!.units * 10n ** BigInt(places - p!.decimals);
    if (sum !== 0n) out.set(c, format(sum, places, mark));
  }
  return out;
}

function format(units: bigint, places: number, mark: "point" | "comma"): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, "0");
  const whole = places === 0 ? digits : digits.slice(0, -places);
  const frac = places === 0 ? "" : (mark === "comma" ? "," : ".") + digits.slice(-places);
  return (negative ? "-" : "") + whole + frac;
}
