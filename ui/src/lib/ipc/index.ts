// The one module that talks to the Rust side. Every Tauri command has one typed function
// (commands.ts, generated from the Rust list of commands), so components never see
// `invoke`, and every failure reaches callers as an ApiError-shaped value they can show
// next to the form.
import { listen } from "@tauri-apps/api/event";
import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";

import type { Event } from "./bindings/Event";

export type * from "./bindings/Admission";
export type * from "./bindings/ApiError";
export type * from "./bindings/Choice";
export type * from "./bindings/CoopDto";
export type * from "./bindings/DecimalMark";
export type * from "./bindings/CoopForm";
export type * from "./bindings/CoopSummaryDto";
export type * from "./bindings/DeviceDto";
export type * from "./bindings/EffectForm";
export type * from "./bindings/EffectDto";
export type * from "./bindings/ErrorCode";
export type * from "./bindings/Event";
export type * from "./bindings/Activity";
export type * from "./bindings/Notice";
export type * from "./bindings/ExportDto";
export type * from "./bindings/ExportFormat";
export type * from "./bindings/Fraction";
export type * from "./bindings/HomeDto";
export type * from "./bindings/IdentityDto";
export type * from "./bindings/ImportDto";
export type * from "./bindings/InviteDto";
export type * from "./bindings/JoinDecision";
export type * from "./bindings/JoinDto";
export type * from "./bindings/JoinStatus";
export type * from "./bindings/LinkDto";
export type * from "./bindings/LinkedCoopDto";
export type * from "./bindings/LinkedDto";
export type * from "./bindings/ListingDraft";
export type * from "./bindings/ListingDto";
export type * from "./bindings/ListingFilter";
export type * from "./bindings/ListingKind";
export type * from "./bindings/ListingStatus";
export type * from "./bindings/ListingSummaryDto";
export type * from "./bindings/ResponseDto";
export type * from "./bindings/MemberDto";
export type * from "./bindings/Method";
export type * from "./bindings/NetworkDto";
export type * from "./bindings/Origin";
export type * from "./bindings/OutcomeDto";
export type * from "./bindings/PeerDto";
export type * from "./bindings/PeerPath";
export type * from "./bindings/ProposalDto";
export type * from "./bindings/NominationCallDto";
export type * from "./bindings/NomineeDto";
export type * from "./bindings/CandidateDto";
export type * from "./bindings/NominationReply";
export type * from "./bindings/ProposalFilter";
export type * from "./bindings/ProposalForm";
export type * from "./bindings/ProposalSummaryDto";
export type * from "./bindings/RejectedDto";
export type * from "./bindings/Refusal";
export type * from "./bindings/Problem";
export type * from "./bindings/ProblemKey";
export type * from "./bindings/Thing";
export type * from "./bindings/BallotFate";
export type * from "./bindings/ReportBallotDto";
export type * from "./bindings/ReportCloseDto";
export type * from "./bindings/ReportDto";
export type * from "./bindings/ReportProxyDto";
export type * from "./bindings/ReportSummaryDto";
export type * from "./bindings/Standing";
export type * from "./bindings/Status";
export type * from "./bindings/SyncReport";
export type * from "./bindings/TallyDto";
export type * from "./bindings/ElectionDto";
export type * from "./bindings/TemplateDto";
export type * from "./bindings/TemplateAdd";
export type * from "./bindings/ElectionRoundDto";
export type * from "./bindings/ElectionTieDto";
export type * from "./bindings/RoundAction";
export type * from "./bindings/TieFor";
export type * from "./bindings/Vote";
export type * from "./bindings/VoterDto";
export type * from "./bindings/AccountDraft";
export type * from "./bindings/AccountDto";
export type * from "./bindings/AccountRole";
export type * from "./bindings/AccountType";
export type * from "./bindings/BalanceSheetDto";
export type * from "./bindings/BankImportDto";
export type * from "./bindings/BankRowDto";
export type * from "./bindings/Basis";
export type * from "./bindings/BookGroupDto";
export type * from "./bindings/CapitalDto";
export type * from "./bindings/CapitalLineDto";
export type * from "./bindings/EntryDraft";
export type * from "./bindings/EntryDto";
export type * from "./bindings/IncomeStatementDto";
export type * from "./bindings/JournalFilter";
export type * from "./bindings/LabourDto";
export type * from "./bindings/LabourSummaryDto";
export type * from "./bindings/MoneyDto";
export type * from "./bindings/MonthDto";
export type * from "./bindings/PatronageDto";
export type * from "./bindings/PostingDraft";
export type * from "./bindings/PostingDto";
export type * from "./bindings/SplitLineDto";

export { isApiError, toApiError } from "./call";
export * from "./commands";

/**
 * Shows a desktop notification, asking for permission the first time. False where there
 * is no notification service or permission was refused: callers keep their own record
 * of what they said, so that is not an error.
 */
export async function notifyDesktop(title: string, body: string): Promise<boolean> {
  try {
    let granted = await isPermissionGranted();
    if (!granted) granted = (await requestPermission()) === "granted";
    if (granted) sendNotification({ title, body });
    return granted;
  } catch {
    return false;
  }
}

/**
 * Calls `cb` with each `sangam:` link a later launch of the app hands this window.
 * Resolves to the function that stops listening (a no-op outside the Tauri shell).
 */
export async function onOpenLink(cb: (link: string) => void): Promise<() => void> {
  try {
    return await listen<string>("sangam-open-link", (e) => cb(e.payload));
  } catch {
    return () => {};
  }
}

/**
 * Calls `cb` with every event the home emits. Resolves to the function that stops
 * listening. Outside the Tauri shell there is no event bus; that is not an error worth
 * a banner, so it resolves to a no-op.
 */
export async function onEvent(cb: (event: Event) => void): Promise<() => void> {
  try {
    return await listen<Event>("sangam://event", (e) => cb(e.payload));
  } catch {
    return () => {};
  }
}
