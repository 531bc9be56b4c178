// Why the co-op's rules refused a record, worded in the member's language. Core sends the
// model's refusal as a code (and its one value, a key, a name or a reason) beside its
// English message; the table names a key for every code, so a refusal the model adds
// fails the type check until it is worded here. A value that is itself a reason (a bad
// choice, a void record's cause) is the model's English.
import { t, type Key } from "../../i18n";
import type { ApiError, Problem, Refusal } from "../ipc";

type RefusalCode = Refusal extends infer R ? (R extends string ? R : keyof R) : never;

const WORDS: Record<RefusalCode, Key> = {
  WrongCoop: "refusal.WrongCoop",
  SecondGenesis: "refusal.SecondGenesis",
  NoGenesis: "refusal.NoGenesis",
  NotAMember: "refusal.NotAMember",
  NeedsProposal: "refusal.NeedsProposal",
  AlreadyMember: "refusal.AlreadyMember",
  AlreadyKnown: "refusal.AlreadyKnown",
  TargetNotMember: "refusal.TargetNotMember",
  RemoveSelf: "refusal.RemoveSelf",
  DeviceTaken: "refusal.DeviceTaken",
  NotOwnDevice: "refusal.NotOwnDevice",
  LastMember: "refusal.LastMember",
  UnknownProposal: "refusal.UnknownProposal",
  ProposalClosed: "refusal.ProposalClosed",
  ProposalWithdrawn: "refusal.ProposalWithdrawn",
  NotInElectorate: "refusal.NotInElectorate",
  BadChoice: "refusal.BadChoice",
  BadProxy: "refusal.BadProxy",
  ElectorateMismatch: "refusal.ElectorateMismatch",
  BadDeadline: "refusal.BadDeadline",
  DeadlineNotPassed: "refusal.DeadlineNotPassed",
  NamesUnknown: "refusal.NamesUnknown",
  NotProposer: "refusal.NotProposer",
  AlreadyVotedOn: "refusal.AlreadyVotedOn",
  BelowBylaws: "refusal.BelowBylaws",
  BadEffect: "refusal.BadEffect",
  UnknownCall: "refusal.UnknownCall",
  NominationsClosed: "refusal.NominationsClosed",
  NominationsOpen: "refusal.NominationsOpen",
  NotNominated: "refusal.NotNominated",
  CandidatesMismatch: "refusal.CandidatesMismatch",
  NotTheCall: "refusal.NotTheCall",
  TemplateExists: "refusal.TemplateExists",
  UnknownListing: "refusal.UnknownListing",
  UnknownAccount: "refusal.UnknownAccount",
  UnknownEntry: "refusal.UnknownEntry",
  NotAReversal: "refusal.NotAReversal",
  AlreadyReversed: "refusal.AlreadyReversed",
  ReversesAReversal: "refusal.ReversesAReversal",
  ClosedAccount: "refusal.ClosedAccount",
  NotATreasurer: "refusal.NotATreasurer",
  NeedsApproval: "refusal.NeedsApproval",
  NotPassed: "refusal.NotPassed",
  NotListingAuthor: "refusal.NotListingAuthor",
  SettingsByProposal: "refusal.SettingsByProposal",
  Void: "refusal.Void",
};

/** A refusal's code and value. */
function parts(refusal: Refusal): [RefusalCode, string] {
  if (typeof refusal === "string") return [refusal, ""];
  const [code, value] = Object.entries(refusal)[0] as [RefusalCode, string];
  return [code, value];
}

/** A problem core named (anything but a refusal), in the member's language: its key's
 * words with its values, `{what}` worded too, and the line it is on if it has one. */
function problemText(problem: Problem): string {
  const vars: Record<string, string> = { ...problem.values };
  if (problem.what) vars.what = t(`thing.${problem.what}`);
  const words = t(`problem.${problem.key}`, vars);
  return problem.line === undefined ? words : t("problem.onLine", { line: String(problem.line), words });
}

/** What a failed call says to the member, in their language: a refusal or a problem
 * worded from its code; only an error from outside core (a failed call) is its message. */
export function errorText(error: ApiError): string {
  if (error.problem) return problemText(error.problem);
  if (!error.refusal) return error.message;
  const [code, value] = parts(error.refusal);
  const key = WORDS[code];
  return key ? t(key, { value: /^[0-9a-f]{64}$/.test(value) ? value.slice(0, 8) : value }) : error.message;
}
