import { formatNumber, t, type Key } from "../../i18n";
import type { Choice, EffectDto, Fraction, Method, OutcomeDto, TallyDto, Vote } from "../ipc";

export const METHODS: ReadonlyArray<Method> = [
  "yes_no",
  "consent",
  "choice",
  "approval",
  "ranked",
  "score",
  "stv",
  "scottish_stv",
];

/** Methods that elect a number of seats (approval does when given seats). */
export function needsSeats(method: Method): boolean {
  return method === "stv" || method === "scottish_stv";
}

/** Methods whose ballot ranks the options. */
export function ranks(method: Method): boolean {
  return method === "ranked" || needsSeats(method);
}

/** Methods whose ballots pick among the proposal's own options. */
export function usesOptions(method: Method): boolean {
  return method !== "yes_no" && method !== "consent";
}

/** Only yes/no and consent proposals can pass, so only they may carry an effect. */
export function mayHaveEffect(method: Method): boolean {
  return !usesOptions(method);
}

export function methodLabel(method: Method): string {
  return t(`method.${method}` as Key);
}

export function answerLabel(vote: Vote): string {
  return t(`answer.${vote}` as Key);
}

/** The answers a yes/no or consent ballot offers, in the order they are shown. */
export function answersFor(method: Method): Vote[] {
  if (method === "yes_no") return ["yes", "no", "abstain"];
  if (method === "consent") return ["agree", "abstain", "disagree", "block"];
  return [];
}

/** A threshold as members write it: `2/3`. */
export function fractionText(f: Fraction): string {
  return `${f.num}/${f.den}`;
}

/** The quorum and threshold (and an election's seats) in plain words. */
export function ruleWords(method: Method, fraction: Fraction, quorumPct: number, seats?: number | null): string {
  const threshold = fractionText(fraction);
  const key = method === "approval" && seats != null ? "rule.approval_seats" : `rule.${method}`;
  return t(key as Key, { threshold, quorum: `${formatNumber(quorumPct)}%`, seats: seats ?? 1 });
}

/** The labels a tally's bars are drawn for: every answer or option, then anything else counted. */
export function tallyLabels(method: Method, options: string[], counts: Record<string, number>) {
  const base: string[] = usesOptions(method) ? [...options] : answersFor(method);
  for (const key of Object.keys(counts)) if (!base.includes(key)) base.push(key);
  return base;
}

/** How a tally label reads: answers are translated, options are the proposer's words. */
export function labelText(method: Method, label: string): string {
  return usesOptions(method) ? label : answerLabel(label as Vote);
}

export function outcomeWord(outcome: OutcomeDto): string {
  switch (outcome.kind) {
    case "passed":
      return t("outcome.passed");
    case "failed":
      return t("outcome.failed");
    case "no_quorum":
      return t("outcome.no_quorum");
    case "tie":
      return t("outcome.tie");
    case "elected":
      return t("outcome.elected_short");
    case "winner":
      return t("outcome.winner", { option: outcome.option });
  }
}

/** What passing a proposal does, in the member's language. Keys by their first 8
 * characters, as everywhere else. */
export function effectWords(effect: EffectDto): string {
  switch (effect.kind) {
    case "admit":
      return t("effect.admit", { name: effect.name, member: effect.member.slice(0, 8) });
    case "remove":
      return t("effect.remove", { member: effect.member.slice(0, 8) });
    case "bylaws": {
      const parts = [
        t(effect.admission === "any_member" ? "effect.admission_any_member" : "effect.admission_proposal"),
        effect.treasurers.length === 0
          ? t("effect.treasurers_any")
          : t("effect.treasurers", { keys: effect.treasurers.map((k) => k.slice(0, 8)).join(", ") }),
        ...effect.approval_over.map((amount) => t("effect.approval_over", { amount })),
        t("effect.shares", { reserve: effect.reserve_pct, education: effect.education_pct }),
      ];
      return t("effect.bylaws", { parts: parts.join("; ") });
    }
    case "relay":
      return effect.url === null ? t("effect.relay_default") : t("effect.relay", { url: effect.url });
    case "withdraw_listing":
      return t("effect.withdraw_listing", { listing: effect.listing.slice(0, 8) });
  }
}

/** "Passed: 7 yes, 2 no, 1 abstain" — the one line that says how a count ended. */
export function outcomeLine(tally: TallyDto, options: string[]): string {
  if (tally.election && tally.outcome.kind === "elected")
    return t("outcome.elected", { names: tally.election.elected.join(", ") });
  const labels = tallyLabels(tally.method, options, tally.counts);
  const parts = labels.map((label) => {
    const n = tally.counts[label] ?? 0;
    return usesOptions(tally.method)
      ? t("outcome.option_count", { option: label, n })
      : t("outcome.answer_count", { answer: labelText(tally.method, label), n });
  });
  return `${outcomeWord(tally.outcome)}: ${parts.join(", ")}`;
}

/** A ballot in words, for "your vote". */
export function choiceWords(choice: Choice): string {
  if ("vote" in choice) return t("vote.you_voted", { answer: answerLabel(choice.vote) });
  if ("option" in choice) return t("vote.you_chose", { option: choice.option });
  if ("approve" in choice)
    return choice.approve.length === 0
      ? t("vote.you_approved_none")
      : t("vote.you_approved", { options: choice.approve.join(", ") });
  if ("rank" in choice) return t("vote.you_ranked", { options: choice.rank.join(" › ") });
  const scores = Object.entries(choice.scores)
    .map(([o, s]) => `${o} ${formatNumber(s)}`)
    .join(", ");
  return t("vote.you_scored", { scores });
}

/** A ballot in words, for the list of who voted what. */
export function ballotWords(choice: Choice): string {
  if ("vote" in choice) return answerLabel(choice.vote);
  if ("option" in choice) return choice.option;
  if ("approve" in choice) return choice.approve.length === 0 ? t("voters.approved_none") : choice.approve.join(", ");
  if ("rank" in choice) return choice.rank.join(" › ");
  return Object.entries(choice.scores)
    .map(([o, s]) => `${o} ${formatNumber(s)}`)
    .join(", ");
}

/** The options a ranked ballot starts from: my last ranking first, then the rest in order. */
export function initialRanking(options: string[], mine: Choice | null): string[] {
  const ranked = mine && "rank" in mine ? mine.rank.filter((o) => options.includes(o)) : [];
  return [...ranked, ...options.filter((o) => !ranked.includes(o))];
}

/** Moves `list[from]` to `to`, returning a new list. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  if (from < 0 || from >= next.length || to < 0 || to >= next.length) return next;
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/** The value a datetime-local input takes for `ms`, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const THRESHOLDS = ["1/2", "2/3", "3/4", "4/5", "1/1"] as const;

export function parseFraction(text: string): { num: number; den: number } | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  return { num: Number(m[1]), den: Number(m[2]) };
}
