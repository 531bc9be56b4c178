// Generated from src-tauri/src/commands.rs by `make commands`: do not edit. One typed
// function per window command; arguments go by their Rust names.
import { call } from "./call";
import type { AccountDraft } from "./bindings/AccountDraft";
import type { AccountDto } from "./bindings/AccountDto";
import type { BalanceSheetDto } from "./bindings/BalanceSheetDto";
import type { BankImportDto } from "./bindings/BankImportDto";
import type { Basis } from "./bindings/Basis";
import type { CapitalDto } from "./bindings/CapitalDto";
import type { Choice } from "./bindings/Choice";
import type { CoopDto } from "./bindings/CoopDto";
import type { CoopForm } from "./bindings/CoopForm";
import type { CoopSummaryDto } from "./bindings/CoopSummaryDto";
import type { DecimalMark } from "./bindings/DecimalMark";
import type { DeviceDto } from "./bindings/DeviceDto";
import type { EntryDraft } from "./bindings/EntryDraft";
import type { EntryDto } from "./bindings/EntryDto";
import type { ExportDto } from "./bindings/ExportDto";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { HomeDto } from "./bindings/HomeDto";
import type { IdentityDto } from "./bindings/IdentityDto";
import type { ImportDto } from "./bindings/ImportDto";
import type { InviteDto } from "./bindings/InviteDto";
import type { JoinDto } from "./bindings/JoinDto";
import type { JournalFilter } from "./bindings/JournalFilter";
import type { LabourDto } from "./bindings/LabourDto";
import type { LabourSummaryDto } from "./bindings/LabourSummaryDto";
import type { LinkDto } from "./bindings/LinkDto";
import type { LinkedDto } from "./bindings/LinkedDto";
import type { ListingDraft } from "./bindings/ListingDraft";
import type { ListingDto } from "./bindings/ListingDto";
import type { ListingFilter } from "./bindings/ListingFilter";
import type { ListingStatus } from "./bindings/ListingStatus";
import type { ListingSummaryDto } from "./bindings/ListingSummaryDto";
import type { MemberDto } from "./bindings/MemberDto";
import type { Method } from "./bindings/Method";
import type { MonthDto } from "./bindings/MonthDto";
import type { NetworkDto } from "./bindings/NetworkDto";
import type { NominationCallDto } from "./bindings/NominationCallDto";
import type { NominationReply } from "./bindings/NominationReply";
import type { PageWords } from "./bindings/PageWords";
import type { PatronageDto } from "./bindings/PatronageDto";
import type { PeerDto } from "./bindings/PeerDto";
import type { ProposalDto } from "./bindings/ProposalDto";
import type { ProposalFilter } from "./bindings/ProposalFilter";
import type { ProposalForm } from "./bindings/ProposalForm";
import type { ProposalSummaryDto } from "./bindings/ProposalSummaryDto";
import type { ReportDto } from "./bindings/ReportDto";
import type { SyncReport } from "./bindings/SyncReport";
import type { TallyDto } from "./bindings/TallyDto";
import type { TemplateAdd } from "./bindings/TemplateAdd";
import type { TemplateDto } from "./bindings/TemplateDto";

export type TrayTexts = {
/**
 * How syncing goes, e.g. "Serving: 2 peers in the last hour, last sync 14:02".
 */
status: string,
/**
 * The item that shows the window.
 */
open: string,
/**
 * The item that stops serving and ends Sangam.
 */
quit: string, };

/** Where the home is, and whether (and where) it serves. */
export const homeInfo = () =>
  call<HomeDto>("home_info", {});

/** This home's member identity. */
export const identity = () =>
  call<IdentityDto>("identity", {});

/** Makes the member identity (the keys are made here). */
export const createIdentity = (name: string) =>
  call<IdentityDto>("create_identity", { name });

/** The co-ops in this home. */
export const coops = () =>
  call<Array<CoopSummaryDto>>("coops", {});

/** Founds a co-op; the home serves from then on. */
export const createCoop = (form: CoopForm) =>
  call<CoopDto>("create_coop", { form });

/** A co-op's name, currency and bylaws. */
export const coop = (coop: string) =>
  call<CoopDto>("coop", { coop });

/** The co-op's members. */
export const members = (coop: string) =>
  call<Array<MemberDto>>("members", { coop });

/** The devices bound to the co-op's members. */
export const devices = (coop: string) =>
  call<Array<DeviceDto>>("devices", { coop });

/** Admits a newcomer by their member key, as hex (where the bylaws let a member admit): a key mistyped is said to be the newcomer's. */
export const admit = (coop: string, member: string, name: string) =>
  call<MemberDto>("admit", { coop, member, name });

/** Leaves the co-op. */
export const leave = (coop: string) =>
  call<null>("leave", { coop });

/** Revokes one of the member's own devices. */
export const revokeDevice = (coop: string, device: string) =>
  call<null>("revoke_device", { coop, device });

/** Changes the member's name or contact (a field left `null` stays as it is). */
export const updateProfile = (coop: string, name: string | null, contact: string | null) =>
  call<MemberDto>("update_profile", { coop, name, contact });

/** An invite ticket good for `hours` and `uses`. */
export const createInvite = (coop: string, hours: number, uses: number) =>
  call<InviteDto>("create_invite", { coop, hours, uses });

/** A QR code of `text`, as SVG. */
export const qrSvg = (text: string) =>
  call<string>("qr_svg", { text });

/** The ticket in a picture of its QR code (PNG or JPEG bytes). */
export const ticketFromImage = (bytes: Array<number>) =>
  call<string>("ticket_from_image", { bytes });

/** Joins a co-op with a ticket; the home serves from then on. */
export const join = (ticket: string, name: string | null) =>
  call<JoinDto>("join", { ticket, name });

/** The `sangam:` link the window was started with, once (it opens the join flow). */
export const takeOpenedLink = () =>
  call<string | null>("take_opened_link", {});

/** A one-time ticket for a new laptop of this member, good for `minutes` (at most 60). */
export const createLink = (coop: string, minutes: number) =>
  call<LinkDto>("create_link", { coop, minutes });

/** Links this (new) laptop with a ticket from another laptop of the member; it serves from then on, as after a join. */
export const link = (ticket: string) =>
  call<LinkedDto>("link", { ticket });

/** The member key as its 24-word recovery phrase (the window asks before showing it). */
export const recoveryPhrase = () =>
  call<Array<string>>("recovery_phrase", {});

/** Restores the member key from its phrase into a home with no identity yet. */
export const restoreIdentity = (phrase: string, name: string) =>
  call<IdentityDto>("restore_identity", { phrase, name });

/** Listings that match `filter`. */
export const listings = (coop: string, filter: ListingFilter) =>
  call<Array<ListingSummaryDto>>("listings", { coop, filter });

/** One listing with its revisions and responses. */
export const listing = (coop: string, id: string) =>
  call<ListingDto>("listing", { coop, id });

/** Posts a listing. */
export const postListing = (coop: string, draft: ListingDraft) =>
  call<ListingDto>("post_listing", { coop, draft });

/** Revises the member's own listing. */
export const reviseListing = (coop: string, id: string, draft: ListingDraft) =>
  call<ListingDto>("revise_listing", { coop, id, draft });

/** Marks the member's own listing reserved, done or withdrawn. */
export const setListingStatus = (coop: string, id: string, status: ListingStatus) =>
  call<ListingDto>("set_listing_status", { coop, id, status });

/** Responds to a listing. */
export const respond = (coop: string, id: string, message: string, quantity: number | null) =>
  call<ListingDto>("respond", { coop, id, message, quantity });

/** The chart of accounts. */
export const accounts = (coop: string) =>
  call<Array<AccountDto>>("accounts", { coop });

/** Opens an account. */
export const openAccount = (coop: string, draft: AccountDraft) =>
  call<AccountDto>("open_account", { coop, draft });

/** Closes an account (by its code or a prefix of its id). */
export const closeAccount = (coop: string, account: string) =>
  call<AccountDto>("close_account", { coop, account });

/** The journal's entries that match `filter`. */
export const journal = (coop: string, filter: JournalFilter) =>
  call<Array<EntryDto>>("journal", { coop, filter });

/** Posts a balanced entry. */
export const postEntry = (coop: string, draft: EntryDraft) =>
  call<EntryDto>("post_entry", { coop, draft });

/** Reverses an entry on `date`. */
export const reverseEntry = (coop: string, entry: string, date: string) =>
  call<EntryDto>("reverse_entry", { coop, entry, date });

/** The balance sheet at a date (today when `null`). */
export const balanceSheet = (coop: string, at: string | null) =>
  call<BalanceSheetDto>("balance_sheet", { coop, at });

/** Income and expenses month by month. */
export const monthly = (coop: string, from: string, to: string) =>
  call<Array<MonthDto>>("monthly", { coop, from, to });

/** Each member's capital account. */
export const capital = (coop: string) =>
  call<Array<CapitalDto>>("capital", { coop });

/** Logs the member's labour on a day. */
export const logLabour = (coop: string, date: string, minutes: number, note: string | null) =>
  call<LabourDto>("log_labour", { coop, date, minutes, note });

/** Each member's labour in a period. */
export const labour = (coop: string, from: string, to: string) =>
  call<Array<LabourSummaryDto>>("labour", { coop, from, to });

/** How a period's surplus would be split, without posting it. */
export const patronagePreview = (coop: string, from: string, to: string, surplus: string, basis: Basis) =>
  call<PatronageDto>("patronage_preview", { coop, from, to, surplus, basis });

/** Posts a period's surplus split, citing the proposal that approved it. */
export const allocatePatronage = (coop: string, from: string, to: string, surplus: string, basis: Basis, proposal: string) =>
  call<PatronageDto>("allocate_patronage", { coop, from, to, surplus, basis, proposal });

/** Reads the rules file and then the statement, as it is needed, from their paths (regular files within their caps), then previews or posts. */
export const importBankCsv = (coop: string, statement: string, rules: string, dryRun: boolean) =>
  call<BankImportDto>("import_bank_csv", { coop, statement, rules, dry_run: dryRun });

/** Where an export of the books in `format` goes by default. */
export const defaultBooksPath = (coop: string, format: ExportFormat) =>
  call<string>("default_books_path", { coop, format });

/** Writes the books in `format` to `path`; returns the path written. */
export const exportBooks = (coop: string, format: ExportFormat, path: string) =>
  call<string>("export_books", { coop, format, path });

/** A save dialog at `suggested` (its folder and name): the path chosen, or `null` if the member cancelled. */
export const chooseSavePath = (suggested: string) =>
  call<string | null>("choose_save_path", { suggested });

/** An open dialog in the folder of `suggested`: the file chosen, or `null`. */
export const chooseOpenPath = (suggested: string) =>
  call<string | null>("choose_open_path", { suggested });

/** Proposals that match `filter`, as cards. */
export const proposals = (coop: string, filter: ProposalFilter) =>
  call<Array<ProposalSummaryDto>>("proposals", { coop, filter });

/** The proposal templates Sangam ships (English; the window translates by id). */
export const templates = () =>
  call<Array<TemplateDto>>("templates", {});

/** The templates a proposal of `coop` may start from: the starters, then the co-op's own (as their authors wrote them). */
export const coopTemplates = (coop: string) =>
  call<Array<TemplateDto>>("coop_templates", { coop });

/** Adds a template to the co-op, for every member's proposals. */
export const addTemplate = (coop: string, draft: TemplateAdd) =>
  call<TemplateDto>("add_template", { coop, draft });

/** One proposal with its tally and voters. */
export const proposal = (coop: string, id: string) =>
  call<ProposalDto>("proposal", { coop, id });

/** Opens a proposal. */
export const propose = (coop: string, form: ProposalForm) =>
  call<ProposalDto>("propose", { coop, form });

/** The calls for nominations, newest first, with who is nominated, by whom, and who stands. */
export const nominationCalls = (coop: string) =>
  call<Array<NominationCallDto>>("nomination_calls", { coop });

/** Calls for nominations for an election of `seats`, open for `days` days. */
export const callNominations = (coop: string, title: string, text: string, method: Method, seats: number, days: number) =>
  call<NominationCallDto>("call_nominations", { coop, title, text, method, seats, days });

/** Puts a member (the member too) forward on a call. */
export const nominate = (coop: string, nominationCall: string, nominee: string) =>
  call<NominationCallDto>("nominate", { coop, nomination_call: nominationCall, nominee });

/** The member's answer to their nomination on a call. */
export const answerNomination = (coop: string, nominationCall: string, answer: NominationReply) =>
  call<NominationCallDto>("answer_nomination", { coop, nomination_call: nominationCall, answer });

/** Opens the election from a call whose nominations closed, its vote open `days` days. */
export const openElection = (coop: string, nominationCall: string, days: number) =>
  call<ProposalDto>("open_election", { coop, nomination_call: nominationCall, days });

/** Votes, or changes the member's vote. */
export const vote = (coop: string, id: string, choice: Choice) =>
  call<TallyDto>("vote", { coop, id, choice });

/** Lets `holder` vote for the member on one proposal. */
export const proxy = (coop: string, id: string, holder: string) =>
  call<null>("proxy", { coop, id, holder });

/** Takes a proxy back. */
export const proxyRevoke = (coop: string, id: string) =>
  call<null>("proxy_revoke", { coop, id });

/** Closes a proposal after its deadline (or once everyone has voted). */
export const close = (coop: string, id: string) =>
  call<TallyDto>("close", { coop, id });

/** Withdraws the member's own proposal before anyone votes. */
export const withdraw = (coop: string, id: string) =>
  call<null>("withdraw", { coop, id });

/** The devices this home has synced with. */
export const peers = (coop: string) =>
  call<Array<PeerDto>>("peers", { coop });

/** This laptop's network switches and the co-op's relay. */
export const network = (coop: string) =>
  call<NetworkDto>("network", { coop });

/** Turns LAN discovery on or off. */
export const setLan = (on: boolean) =>
  call<null>("set_lan", { on });

/** Turns keeping serving after the window closes on or off. */
export const setKeepServing = (on: boolean) =>
  call<null>("set_keep_serving", { on });

/** The tray's texts, in the member's language (the tray has none of its own). A window with no tray has nothing to show them in, which is not an error. */
export const trayTexts = (texts: TrayTexts) =>
  call<null>("tray_texts", { texts });

/** Turns relays on or off for this laptop. */
export const setRelaysUsed = (used: boolean) =>
  call<null>("set_relays_used", { used });

/** The co-op's decimal mark, for reading amounts. */
export const setDecimalMark = (coop: string, mark: DecimalMark) =>
  call<null>("set_decimal_mark", { coop, mark });

/** The co-op's relay changes only by a vote: this opens the proposal. */
export const proposeCoopRelay = (coop: string, url: string | null) =>
  call<ProposalDto>("propose_coop_relay", { coop, url });

/** Syncs with the co-op's known peers now. */
export const syncNow = (coop: string) =>
  call<SyncReport>("sync_now", { coop });

/** Where a bundle of the co-op goes by default. */
export const defaultBundlePath = (coop: string) =>
  call<string>("default_bundle_path", { coop });

/** Writes the co-op as a bundle to `path`. */
export const exportBundle = (coop: string, path: string) =>
  call<ExportDto>("export_bundle", { coop, path });

/** Imports a bundle's bytes. */
export const importBundle = (bytes: Array<number>) =>
  call<ImportDto>("import_bundle", { bytes });

/** Where a proposal's report goes by default. */
export const defaultReportPath = (coop: string, id: string) =>
  call<string>("default_report_path", { coop, id });

/** Writes the report to `path` and its printable page beside it (`.html`) when `page`, in the words the window sends (the member's language). */
export const exportReport = (coop: string, id: string, path: string, page: boolean, words: PageWords) =>
  call<ReportDto>("export_report", { coop, id, path, page, words });

/** Verifies a report file's bytes; needs nothing of the home. */
export const verifyReport = (bytes: Array<number>) =>
  call<ReportDto>("verify_report", { bytes });
