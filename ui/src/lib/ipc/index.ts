// The one module that talks to the Rust side. Every Tauri command has one typed function
// here, so components never see `invoke`, argument names stay in one place, and every
// failure reaches callers as an ApiError-shaped value they can show next to the form.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";

import type { AccountDraft } from "./bindings/AccountDraft";
import type { AccountDto } from "./bindings/AccountDto";
import type { BalanceSheetDto } from "./bindings/BalanceSheetDto";
import type { BankImportDto } from "./bindings/BankImportDto";
import type { Basis } from "./bindings/Basis";
import type { CapitalDto } from "./bindings/CapitalDto";
import type { EntryDraft } from "./bindings/EntryDraft";
import type { EntryDto } from "./bindings/EntryDto";
import type { JournalFilter } from "./bindings/JournalFilter";
import type { LabourDto } from "./bindings/LabourDto";
import type { LabourSummaryDto } from "./bindings/LabourSummaryDto";
import type { MonthDto } from "./bindings/MonthDto";
import type { PatronageDto } from "./bindings/PatronageDto";
import type { ApiError } from "./bindings/ApiError";
import type { Choice } from "./bindings/Choice";
import type { CoopDto } from "./bindings/CoopDto";
import type { DecimalMark } from "./bindings/DecimalMark";
import type { CoopSummaryDto } from "./bindings/CoopSummaryDto";
import type { DeviceDto } from "./bindings/DeviceDto";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { Event } from "./bindings/Event";
import type { ExportDto } from "./bindings/ExportDto";
import type { IdentityDto } from "./bindings/IdentityDto";
import type { ImportDto } from "./bindings/ImportDto";
import type { InviteDto } from "./bindings/InviteDto";
import type { JoinDto } from "./bindings/JoinDto";
import type { LinkDto } from "./bindings/LinkDto";
import type { LinkedDto } from "./bindings/LinkedDto";
import type { ListingDraft } from "./bindings/ListingDraft";
import type { ListingDto } from "./bindings/ListingDto";
import type { ListingFilter } from "./bindings/ListingFilter";
import type { ListingStatus } from "./bindings/ListingStatus";
import type { ListingSummaryDto } from "./bindings/ListingSummaryDto";
import type { MemberDto } from "./bindings/MemberDto";
import type { PeerDto } from "./bindings/PeerDto";
import type { ProposalDto } from "./bindings/ProposalDto";
import type { ProposalSummaryDto } from "./bindings/ProposalSummaryDto";
import type { ReportDto } from "./bindings/ReportDto";
import type { SyncReport } from "./bindings/SyncReport";
import type { TallyDto } from "./bindings/TallyDto";
import type { TemplateDto } from "./bindings/TemplateDto";
import type { CoopForm } from "./bindings/CoopForm";
import type { HomeDto } from "./bindings/HomeDto";
import type { NetworkDto } from "./bindings/NetworkDto";
import type { ProposalFilter } from "./bindings/ProposalFilter";
import type { ProposalForm } from "./bindings/ProposalForm";

export type * from "./bindings/Admission";
export type * from "./bindings/ApiError";
export type * from "./bindings/Choice";
export type * from "./bindings/CoopDto";
export type * from "./bindings/DecimalMark";
export type * from "./bindings/CoopForm";
export type * from "./bindings/CoopSummaryDto";
export type * from "./bindings/DeviceDto";
export type * from "./bindings/EffectForm";
export type * from "./bindings/ErrorCode";
export type * from "./bindings/Event";
export type * from "./bindings/ExportDto";
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
export type * from "./bindings/PeerDto";
export type * from "./bindings/PeerPath";
export type * from "./bindings/ProposalDto";
export type * from "./bindings/ProposalFilter";
export type * from "./bindings/ProposalForm";
export type * from "./bindings/ProposalSummaryDto";
export type * from "./bindings/RejectedDto";
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

const ERROR_CODES: ReadonlyArray<ErrorCode> = [
  "no_identity",
  "identity_exists",
  "not_found",
  "ambiguous",
  "invalid_input",
  "refused",
  "bad_bundle",
  "storage",
  "busy",
  "network",
  "not_serving",
];

/** Whether a caught value is an ApiError (what every function here throws). */
export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.message === "string" && ERROR_CODES.includes(v.code as ErrorCode);
}

/**
 * Turns whatever a rejected call produced into an ApiError. The Rust side rejects with
 * `{code, message}`; Tauri itself rejects with a plain string (an unknown command, bad
 * arguments), and outside the shell `invoke` throws a TypeError: all of those are
 * failures the member can only retry, so they become `storage`.
 */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return { code: value.code, message: value.message };
  if (typeof value === "string") return { code: "storage", message: value };
  if (value instanceof Error) return { code: "storage", message: value.message };
  return { code: "storage", message: String(value) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

// Home and identity.
export const homeInfo = () => call<HomeDto>("home_info");
export const identity = () => call<IdentityDto>("identity");
export const createIdentity = (name: string) => call<IdentityDto>("create_identity", { name });

// Co-ops.
export const coops = () => call<CoopSummaryDto[]>("coops");
export const createCoop = (form: CoopForm) => call<CoopDto>("create_coop", { form });
export const coop = (coop: string) => call<CoopDto>("coop", { coop });

// Members and devices.
export const members = (coop: string) => call<MemberDto[]>("members", { coop });
export const devices = (coop: string) => call<DeviceDto[]>("devices", { coop });
export const admit = (coop: string, member: string, name: string) =>
  call<MemberDto>("admit", { coop, member, name });
export const leave = (coop: string) => call<null>("leave", { coop });
export const revokeDevice = (coop: string, device: string) =>
  call<null>("revoke_device", { coop, device });
export const updateProfile = (coop: string, name: string | null, contact: string | null) =>
  call<MemberDto>("update_profile", { coop, name, contact });

// Invites and joining.
export const createInvite = (coop: string, hours: number, uses: number) =>
  call<InviteDto>("create_invite", { coop, hours, uses });
export const qrSvg = (text: string) => call<string>("qr_svg", { text });
export const ticketFromImage = (bytes: number[]) => call<string>("ticket_from_image", { bytes });
export const join = (ticket: string, name: string | null) =>
  call<JoinDto>("join", { ticket, name });

// The marketplace.
export const listings = (coop: string, filter: ListingFilter) =>
  call<ListingSummaryDto[]>("listings", { coop, filter });
export const listing = (coop: string, id: string) => call<ListingDto>("listing", { coop, id });
export const postListing = (coop: string, draft: ListingDraft) =>
  call<ListingDto>("post_listing", { coop, draft });
export const reviseListing = (coop: string, id: string, draft: ListingDraft) =>
  call<ListingDto>("revise_listing", { coop, id, draft });
export const setListingStatus = (coop: string, id: string, status: ListingStatus) =>
  call<ListingDto>("set_listing_status", { coop, id, status });
export const respond = (coop: string, id: string, message: string, quantity: number | null) =>
  call<ListingDto>("respond", { coop, id, message, quantity });

// The books.
export const accounts = (coop: string) => call<AccountDto[]>("accounts", { coop });
export const openAccount = (coop: string, draft: AccountDraft) =>
  call<AccountDto>("open_account", { coop, draft });
export const closeAccount = (coop: string, account: string) =>
  call<AccountDto>("close_account", { coop, account });
export const journal = (coop: string, filter: JournalFilter) =>
  call<EntryDto[]>("journal", { coop, filter });
export const postEntry = (coop: string, draft: EntryDraft) =>
  call<EntryDto>("post_entry", { coop, draft });
export const reverseEntry = (coop: string, entry: string, date: string) =>
  call<EntryDto>("reverse_entry", { coop, entry, date });
export const balanceSheet = (coop: string, at: string | null) =>
  call<BalanceSheetDto>("balance_sheet", { coop, at });
export const monthly = (coop: string, from: string, to: string) =>
  call<MonthDto[]>("monthly", { coop, from, to });
export const capital = (coop: string) => call<CapitalDto[]>("capital", { coop });
export const logLabour = (coop: string, date: string, minutes: number, note: string | null) =>
  call<LabourDto>("log_labour", { coop, date, minutes, note });
export const labour = (coop: string, from: string, to: string) =>
  call<LabourSummaryDto[]>("labour", { coop, from, to });
export const patronagePreview = (coop: string, from: string, to: string, surplus: string, basis: Basis) =>
  call<PatronageDto>("patronage_preview", { coop, from, to, surplus, basis });
export const allocatePatronage = (coop: string, from: string, to: string, surplus: string, basis: Basis, proposal: string) =>
  call<PatronageDto>("allocate_patronage", { coop, from, to, surplus, basis, proposal });
export const importBankCsv = (coop: string, statement: string, rules: string, dryRun: boolean) =>
  call<BankImportDto>("import_bank_csv", { coop, statement, rules, dry_run: dryRun });
export const defaultBooksPath = (coop: string, format: string) =>
  call<string>("default_books_path", { coop, format });
export const exportBooks = (coop: string, format: string, path: string) =>
  call<string>("export_books", { coop, format, path });

// Native file dialogs, each starting where its field points: the path chosen, or null if
// the member cancelled.
export const chooseSavePath = (suggested: string) => call<string | null>("choose_save_path", { suggested });
export const chooseOpenPath = (suggested: string) => call<string | null>("choose_open_path", { suggested });

// A member's own laptops and their key.
export const createLink = (coop: string, minutes: number) =>
  call<LinkDto>("create_link", { coop, minutes });
export const link = (ticket: string) => call<LinkedDto>("link", { ticket });
export const recoveryPhrase = () => call<string[]>("recovery_phrase", {});
export const restoreIdentity = (phrase: string, name: string) =>
  call<IdentityDto>("restore_identity", { phrase, name });

// Proposals.
export const proposals = (coop: string, filter: ProposalFilter) =>
  call<ProposalSummaryDto[]>("proposals", { coop, filter });
export const proposal = (coop: string, id: string) => call<ProposalDto>("proposal", { coop, id });
export const templates = () => call<TemplateDto[]>("templates", {});
export const takeOpenedLink = () => call<string | null>("take_opened_link", {});
export const propose = (coop: string, form: ProposalForm) =>
  call<ProposalDto>("propose", { coop, form });
export const vote = (coop: string, id: string, choice: Choice) =>
  call<TallyDto>("vote", { coop, id, choice });
export const proxy = (coop: string, id: string, holder: string) =>
  call<null>("proxy", { coop, id, holder });
export const proxyRevoke = (coop: string, id: string) => call<null>("proxy_revoke", { coop, id });
export const close = (coop: string, id: string) => call<TallyDto>("close", { coop, id });
export const withdraw = (coop: string, id: string) => call<null>("withdraw", { coop, id });

// Peers and the network.
export const peers = (coop: string) => call<PeerDto[]>("peers", { coop });
export const network = (coop: string) => call<NetworkDto>("network", { coop });
export const setLan = (on: boolean) => call<null>("set_lan", { on });
export const setKeepServing = (on: boolean) => call<null>("set_keep_serving", { on });
/** What the tray icon says, in the member's language: how syncing goes, and its two items. */
export type TrayTexts = { status: string; open: string; quit: string };
export const trayTexts = (texts: TrayTexts) => call<null>("tray_texts", { texts });
export const setRelaysUsed = (used: boolean) => call<null>("set_relays_used", { used });
export const setDecimalMark = (coop: string, mark: DecimalMark) => call<null>("set_decimal_mark", { coop, mark });
/** The co-op's relay changes only by a vote: this opens the proposal. */
export const proposeCoopRelay = (coop: string, url: string | null) =>
  call<ProposalDto>("propose_coop_relay", { coop, url });
export const syncNow = (coop: string) => call<SyncReport>("sync_now", { coop });

// Bundles.
export const defaultBundlePath = (coop: string) => call<string>("default_bundle_path", { coop });
export const exportBundle = (coop: string, path: string) =>
  call<ExportDto>("export_bundle", { coop, path });
export const importBundle = (bytes: number[]) => call<ImportDto>("import_bundle", { bytes });

// Vote reports.
export const defaultReportPath = (coop: string, id: string) =>
  call<string>("default_report_path", { coop, id });
export const exportReport = (coop: string, id: string, path: string, page: boolean) =>
  call<ReportDto>("export_report", { coop, id, path, page });
export const verifyReport = (bytes: number[]) => call<ReportDto>("verify_report", { bytes });

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
