//! The window's commands, written once. Each takes what Tauri hands it (in brackets: the
//! app's state, the app handle) and what the window sends (in parentheses), calls one
//! `sangam-core` use case and returns its DTO or its `ApiError {code, message}` (the
//! window shows the message beside the form that caused it). Core's calls block on the
//! home's database, so each runs on a blocking thread, never on the window's.
//!
//! The list below is the only place a command is written. [`window_commands!`] turns it
//! into the Tauri commands and their handler, and (in tests) into the signatures from
//! which `command_files.rs` generates the window's TypeScript client
//! (`ui/src/lib/ipc/commands.ts`), its capability file and build.rs's list of names.

use sangam_core::{
    AccountDraft, AccountDto, ApiError, BalanceSheetDto, BankImportDto, Basis, CallDraft,
    CapitalDto, Choice, CoopDto, CoopForm, CoopId, CoopSummaryDto, DecimalMark, DeviceDto,
    EntryDraft, EntryDto, ExportDto, ExportFormat, Home, HomeDto, IdentityDto, ImportDto,
    InviteDto, JoinDto, JournalFilter, LabourDto, LabourSummaryDto, LinkDto, LinkedDto,
    ListingDraft, ListingDto, ListingFilter, ListingStatus, ListingSummaryDto, MemberDto, Method,
    MonthDto, NetworkDto, NominationCallDto, NominationReply, PageWords, PatronageDto, PeerDto,
    ProposalDto, ProposalFilter, ProposalForm, ProposalSummaryDto, PublicKey, RecordId, ReportDto,
    SyncReport, TallyDto, TemplateDraft, TemplateDto,
};
use tauri::{AppHandle, State};

use crate::App;
use crate::dialogs::{Mode, choose};
use crate::tray::TrayTexts;

pub(crate) type Answer<T> = Result<T, ApiError>;

/// `days` days from now on `home`'s clock, in the milliseconds records count time in.
fn days_from_now(home: &Home, days: u32) -> sangam_core::Timestamp {
    home.now() + i64::from(days) * 86_400_000
}

/// Runs `use_case` on the home on a blocking thread.
pub(crate) async fn on_home<T: Send + 'static>(
    app: &App,
    use_case: impl FnOnce(&Home) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    let home = app.home.clone();
    tauri::async_runtime::spawn_blocking(move || use_case(&home))
        .await
        .map_err(|e| ApiError::fault(format!("the home's task failed: {e}")))?
}

/// Why a picture gave no ticket, or a ticket no code, as a problem the window words.
fn qr_problem(e: sangam_qr::QrError) -> ApiError {
    use sangam_core::{Problem, ProblemKey};
    use sangam_qr::QrError;
    match e {
        QrError::TooLong(bytes) => Problem::new(ProblemKey::QrTooLong).with("bytes", bytes),
        QrError::NotAPicture(detail) => {
            Problem::new(ProblemKey::QrNotAPicture).with("detail", detail)
        }
        QrError::NoCode => Problem::new(ProblemKey::QrNoCode),
        QrError::NotText => Problem::new(ProblemKey::QrNotText),
    }
    .into()
}

/// What a command is, for the files generated from the list: its name, its doc, its
/// arguments with their TypeScript types, and the TypeScript type of its answer.
#[cfg(test)]
pub(crate) struct Signature {
    pub name: &'static str,
    pub doc: Vec<&'static str>,
    pub args: Vec<(&'static str, String)>,
    pub answer: String,
}

/// Turns the list of commands into Tauri commands, their handler, and their signatures.
macro_rules! window_commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident $([$($given:ident: $given_ty:ty),*])? ($($arg:ident: $ty:ty),*) -> $answer:ty
        $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(rename_all = "snake_case")]
            async fn $name($($($given: $given_ty,)*)? $($arg: $ty),*) -> Answer<$answer> $body
        )*

        /// Every command, for the builder.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command's signature, in the order of the list.
        #[cfg(test)]
        pub(crate) fn signatures() -> Vec<Signature> {
            // As core's bindings: millisecond times and counts are JSON numbers.
            let cfg = ts_rs::Config::new().with_large_int("number");
            vec![$(Signature {
                name: stringify!($name),
                doc: vec![$($doc),*],
                args: vec![$((stringify!($arg), <$ty as ts_rs::TS>::name(&cfg))),*],
                answer: <$answer as ts_rs::TS>::name(&cfg),
            }),*]
        }
    };
}

window_commands! {
    // The home and its member.

    /// Where the home is, and whether (and where) it serves.
    fn home_info[app: State<'_, App>]() -> HomeDto {
        on_home(&app, |home| Ok(home.info())).await
    }

    /// This home's member identity.
    fn identity[app: State<'_, App>]() -> IdentityDto {
        on_home(&app, |home| home.identity()).await
    }

    /// Makes the member identity (the keys are made here).
    fn create_identity[app: State<'_, App>](name: String) -> IdentityDto {
        on_home(&app, move |home| home.create_identity(&name)).await
    }

    // Co-ops and members.

    /// The co-ops in this home.
    fn coops[app: State<'_, App>]() -> Vec<CoopSummaryDto> {
        on_home(&app, |home| home.coops()).await
    }

    /// Founds a co-op; the home serves from then on.
    fn create_coop[app: State<'_, App>, window: AppHandle](form: CoopForm) -> CoopDto {
        let coop = on_home(&app, move |home| home.found_coop(&form)).await?;
        app.serving.ensure(&window);
        Ok(coop)
    }

    /// A co-op's name, currency and bylaws.
    fn coop[app: State<'_, App>](coop: CoopId) -> CoopDto {
        on_home(&app, move |home| home.coop(coop)).await
    }

    /// The co-op's members.
    fn members[app: State<'_, App>](coop: CoopId) -> Vec<MemberDto> {
        on_home(&app, move |home| home.members(coop)).await
    }

    /// The devices bound to the co-op's members.
    fn devices[app: State<'_, App>](coop: CoopId) -> Vec<DeviceDto> {
        on_home(&app, move |home| home.devices(coop)).await
    }

    /// Admits a newcomer by their member key, as hex (where the bylaws let a member
    /// admit): a key mistyped is said to be the newcomer's.
    fn admit[app: State<'_, App>](coop: CoopId, member: String, name: String) -> MemberDto {
        on_home(&app, move |home| {
            let member = sangam_core::key_from_text(&member, sangam_core::Thing::NewcomerKey)?;
            home.admit(coop, member, &name)
        })
        .await
    }

    /// Leaves the co-op.
    fn leave[app: State<'_, App>](coop: CoopId) -> () {
        on_home(&app, move |home| home.leave(coop)).await
    }

    /// Revokes one of the member's own devices.
    fn revoke_device[app: State<'_, App>](coop: CoopId, device: PublicKey) -> () {
        on_home(&app, move |home| home.revoke_device(coop, device)).await
    }

    /// Changes the member's name or contact (a field left `null` stays as it is).
    fn update_profile[app: State<'_, App>](
        coop: CoopId,
        name: Option<String>,
        contact: Option<String>
    ) -> MemberDto {
        on_home(&app, move |home| {
            home.update_profile(coop, name.as_deref(), contact.as_deref())
        })
        .await
    }

    // Invites and joining.

    /// An invite ticket good for `hours` and `uses`.
    fn create_invite[app: State<'_, App>](coop: CoopId, hours: u32, uses: u32) -> InviteDto {
        let span = std::time::Duration::from_secs(u64::from(hours) * 3600);
        on_home(&app, move |home| home.create_invite(coop, span, uses)).await
    }

    /// A QR code of `text`, as SVG.
    fn qr_svg(text: String) -> String {
        sangam_qr::svg(&text).map_err(qr_problem)
    }

    /// The ticket in a picture of its QR code (PNG or JPEG bytes).
    fn ticket_from_image(bytes: Vec<u8>) -> String {
        sangam_qr::read(&bytes).map_err(qr_problem)
    }

    /// Joins a co-op with a ticket; the home serves from then on.
    fn join[app: State<'_, App>, window: AppHandle](
        ticket: String,
        name: Option<String>
    ) -> JoinDto {
        let joined = app.home.join(&ticket, name.as_deref()).await?;
        app.serving.ensure(&window);
        Ok(joined)
    }

    /// The `sangam:` link the window was started with, once (it opens the join flow).
    fn take_opened_link[app: State<'_, App>]() -> Option<String> {
        Ok(app
            .opened_link
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take())
    }

    // A member's own laptops and their key.

    /// A one-time ticket for a new laptop of this member, good for `minutes` (at most 60).
    fn create_link[app: State<'_, App>](coop: CoopId, minutes: u32) -> LinkDto {
        let span = std::time::Duration::from_secs(u64::from(minutes) * 60);
        on_home(&app, move |home| home.create_link(coop, span)).await
    }

    /// Links this (new) laptop with a ticket from another laptop of the member; it serves
    /// from then on, as after a join.
    fn link[app: State<'_, App>, window: AppHandle](ticket: String) -> LinkedDto {
        let linked = app.home.link(&ticket).await?;
        app.serving.ensure(&window);
        Ok(linked)
    }

    /// The member key as its 24-word recovery phrase (the window asks before showing it).
    fn recovery_phrase[app: State<'_, App>]() -> Vec<String> {
        on_home(&app, |home| home.recovery_phrase()).await
    }

    /// Restores the member key from its phrase into a home with no identity yet.
    fn restore_identity[app: State<'_, App>](phrase: String, name: String) -> IdentityDto {
        on_home(&app, move |home| home.restore_identity(&phrase, &name)).await
    }

    // The marketplace.

    /// Listings that match `filter`.
    fn listings[app: State<'_, App>](coop: CoopId, filter: ListingFilter) -> Vec<ListingSummaryDto> {
        on_home(&app, move |home| home.listings(coop, &filter)).await
    }

    /// One listing with its revisions and responses.
    fn listing[app: State<'_, App>](coop: CoopId, id: RecordId) -> ListingDto {
        on_home(&app, move |home| home.listing(coop, id)).await
    }

    /// Posts a listing.
    fn post_listing[app: State<'_, App>](coop: CoopId, draft: ListingDraft) -> ListingDto {
        on_home(&app, move |home| home.post_listing(coop, &draft)).await
    }

    /// Revises the member's own listing.
    fn revise_listing[app: State<'_, App>](
        coop: CoopId,
        id: RecordId,
        draft: ListingDraft
    ) -> ListingDto {
        on_home(&app, move |home| home.revise_listing(coop, id, &draft)).await
    }

    /// Marks the member's own listing reserved, done or withdrawn.
    fn set_listing_status[app: State<'_, App>](
        coop: CoopId,
        id: RecordId,
        status: ListingStatus
    ) -> ListingDto {
        on_home(&app, move |home| home.set_listing_status(coop, id, status)).await
    }

    /// Responds to a listing.
    fn respond[app: State<'_, App>](
        coop: CoopId,
        id: RecordId,
        message: String,
        quantity: Option<u32>
    ) -> ListingDto {
        on_home(&app, move |home| home.respond(coop, id, &message, quantity)).await
    }

    // The books.

    /// The chart of accounts.
    fn accounts[app: State<'_, App>](coop: CoopId) -> Vec<AccountDto> {
        on_home(&app, move |home| home.accounts(coop)).await
    }

    /// Opens an account.
    fn open_account[app: State<'_, App>](coop: CoopId, draft: AccountDraft) -> AccountDto {
        on_home(&app, move |home| home.open_account(coop, &draft)).await
    }

    /// Closes an account (by its code or a prefix of its id).
    fn close_account[app: State<'_, App>](coop: CoopId, account: String) -> AccountDto {
        on_home(&app, move |home| home.close_account(coop, &account)).await
    }

    /// The journal's entries that match `filter`.
    fn journal[app: State<'_, App>](coop: CoopId, filter: JournalFilter) -> Vec<EntryDto> {
        on_home(&app, move |home| home.journal(coop, &filter)).await
    }

    /// Posts a balanced entry.
    fn post_entry[app: State<'_, App>](coop: CoopId, draft: EntryDraft) -> EntryDto {
        on_home(&app, move |home| home.post_entry(coop, &draft)).await
    }

    /// Reverses an entry on `date`.
    fn reverse_entry[app: State<'_, App>](coop: CoopId, entry: String, date: String) -> EntryDto {
        on_home(&app, move |home| home.reverse_entry(coop, &entry, &date)).await
    }

    /// The balance sheet at a date (today when `null`).
    fn balance_sheet[app: State<'_, App>](coop: CoopId, at: Option<String>) -> BalanceSheetDto {
        on_home(&app, move |home| home.balance_sheet(coop, at.as_deref())).await
    }

    /// Income and expenses month by month.
    fn monthly[app: State<'_, App>](coop: CoopId, from: String, to: String) -> Vec<MonthDto> {
        on_home(&app, move |home| home.monthly(coop, &from, &to)).await
    }

    /// Each member's capital account.
    fn capital[app: State<'_, App>](coop: CoopId) -> Vec<CapitalDto> {
        on_home(&app, move |home| home.capital(coop, None)).await
    }

    /// Logs the member's labour on a day.
    fn log_labour[app: State<'_, App>](
        coop: CoopId,
        date: String,
        minutes: u32,
        note: Option<String>
    ) -> LabourDto {
        on_home(&app, move |home| {
            home.log_labour(coop, &date, minutes, note.as_deref())
        })
        .await
    }

    /// Each member's labour in a period.
    fn labour[app: State<'_, App>](coop: CoopId, from: String, to: String) -> Vec<LabourSummaryDto> {
        on_home(&app, move |home| home.labour(coop, &from, &to)).await
    }

    /// How a period's surplus would be split, without posting it.
    fn patronage_preview[app: State<'_, App>](
        coop: CoopId,
        from: String,
        to: String,
        surplus: String,
        basis: Basis
    ) -> PatronageDto {
        on_home(&app, move |home| {
            home.patronage_preview(coop, &from, &to, &surplus, basis)
        })
        .await
    }

    /// Posts a period's surplus split, citing the proposal that approved it.
    fn allocate_patronage[app: State<'_, App>](
        coop: CoopId,
        from: String,
        to: String,
        surplus: String,
        basis: Basis,
        proposal: String
    ) -> PatronageDto {
        on_home(&app, move |home| {
            home.allocate_patronage(coop, &from, &to, &surplus, basis, &proposal)
        })
        .await
    }

    /// Reads the rules file and then the statement, as it is needed, from their paths
    /// (regular files within their caps), then previews or posts.
    fn import_bank_csv[app: State<'_, App>](
        coop: CoopId,
        statement: String,
        rules: String,
        dry_run: bool
    ) -> BankImportDto {
        on_home(&app, move |home| {
            use sangam_core::files::{MAX_RULES_FILE, read_text_capped};
            let rules = read_text_capped(rules.as_ref(), MAX_RULES_FILE, sangam_core::Thing::RulesFile)?;
            home.import_bank_file(coop, statement.as_ref(), &rules, dry_run)
        })
        .await
    }

    /// Where an export of the books in `format` goes by default.
    fn default_books_path[app: State<'_, App>](coop: CoopId, format: ExportFormat) -> String {
        on_home(&app, move |home| {
            Ok(home.default_books_path(coop, format)?.display().to_string())
        })
        .await
    }

    /// Writes the books in `format` to `path`; returns the path written.
    fn export_books[app: State<'_, App>](
        coop: CoopId,
        format: ExportFormat,
        path: String
    ) -> String {
        on_home(&app, move |home| {
            home.export_books_to(coop, format, std::path::Path::new(&path))?;
            Ok(path)
        })
        .await
    }

    // Native file dialogs.

    /// A save dialog at `suggested` (its folder and name): the path chosen, or `null` if
    /// the member cancelled.
    fn choose_save_path[app: AppHandle](suggested: String) -> Option<String> {
        choose(app, &suggested, Mode::Save).await
    }

    /// An open dialog in the folder of `suggested`: the file chosen, or `null`.
    fn choose_open_path[app: AppHandle](suggested: String) -> Option<String> {
        choose(app, &suggested, Mode::Open).await
    }

    // Proposals and votes.

    /// Proposals that match `filter`, as cards.
    fn proposals[app: State<'_, App>](
        coop: CoopId,
        filter: ProposalFilter
    ) -> Vec<ProposalSummaryDto> {
        on_home(&app, move |home| home.proposals(coop, filter)).await
    }

    /// The proposal templates Sangam ships (English; the window translates by id).
    fn templates() -> Vec<TemplateDto> {
        Ok(sangam_core::templates())
    }

    /// The templates a proposal of `coop` may start from: the starters, then the co-op's
    /// own (as their authors wrote them).
    fn coop_templates[app: State<'_, App>](coop: CoopId) -> Vec<TemplateDto> {
        on_home(&app, move |home| home.templates_of(coop)).await
    }

    /// Adds a template to the co-op, for every member's proposals.
    fn add_template[app: State<'_, App>](coop: CoopId, draft: TemplateDraft) -> TemplateDto {
        on_home(&app, move |home| home.add_template(coop, draft)).await
    }

    /// One proposal with its tally and voters.
    fn proposal[app: State<'_, App>](coop: CoopId, id: RecordId) -> ProposalDto {
        on_home(&app, move |home| home.proposal(coop, id)).await
    }

    /// Opens a proposal.
    fn propose[app: State<'_, App>](coop: CoopId, form: ProposalForm) -> ProposalDto {
        on_home(&app, move |home| home.propose_form(coop, form)).await
    }

    /// The calls for nominations, newest first, with who is nominated, by whom, and
    /// who stands.
    fn nomination_calls[app: State<'_, App>](coop: CoopId) -> Vec<NominationCallDto> {
        on_home(&app, move |home| home.nomination_calls(coop)).await
    }

    /// Calls for nominations for an election of `seats`, open for `days` days.
    fn call_nominations[app: State<'_, App>](
        coop: CoopId,
        title: String,
        text: String,
        method: Method,
        seats: u32,
        days: u32
    ) -> NominationCallDto {
        on_home(&app, move |home| {
            let closes_at = days_from_now(home, days);
            let draft = CallDraft { title, text, method, seats, closes_at };
            home.call_nominations(coop, draft)
        })
        .await
    }

    /// Puts a member (the member too) forward on a call.
    fn nominate[app: State<'_, App>](
        coop: CoopId,
        nomination_call: RecordId,
        nominee: PublicKey
    ) -> NominationCallDto {
        on_home(&app, move |home| home.nominate(coop, nomination_call, nominee)).await
    }

    /// The member's answer to their nomination on a call.
    fn answer_nomination[app: State<'_, App>](
        coop: CoopId,
        nomination_call: RecordId,
        answer: NominationReply
    ) -> NominationCallDto {
        on_home(&app, move |home| home.answer_nomination(coop, nomination_call, answer)).await
    }

    /// Opens the election from a call whose nominations closed, its vote open `days` days.
    fn open_election[app: State<'_, App>](
        coop: CoopId,
        nomination_call: RecordId,
        days: u32
    ) -> ProposalDto {
        on_home(&app, move |home| {
            home.open_election(coop, nomination_call, days_from_now(home, days))
        })
        .await
    }

    /// Votes, or changes the member's vote.
    fn vote[app: State<'_, App>](coop: CoopId, id: RecordId, choice: Choice) -> TallyDto {
        on_home(&app, move |home| home.vote(coop, id, choice)).await
    }

    /// Lets `holder` vote for the member on one proposal.
    fn proxy[app: State<'_, App>](coop: CoopId, id: RecordId, holder: PublicKey) -> () {
        on_home(&app, move |home| home.proxy(coop, id, holder)).await
    }

    /// Takes a proxy back.
    fn proxy_revoke[app: State<'_, App>](coop: CoopId, id: RecordId) -> () {
        on_home(&app, move |home| home.proxy_revoke(coop, id)).await
    }

    /// Closes a proposal after its deadline (or once everyone has voted).
    fn close[app: State<'_, App>](coop: CoopId, id: RecordId) -> TallyDto {
        on_home(&app, move |home| home.close(coop, id)).await
    }

    /// Withdraws the member's own proposal before anyone votes.
    fn withdraw[app: State<'_, App>](coop: CoopId, id: RecordId) -> () {
        on_home(&app, move |home| home.withdraw(coop, id)).await
    }

    // Peers and the network.

    /// The devices this home has synced with.
    fn peers[app: State<'_, App>](coop: CoopId) -> Vec<PeerDto> {
        on_home(&app, move |home| home.peers(coop)).await
    }

    /// This laptop's network switches and the co-op's relay.
    fn network[app: State<'_, App>](coop: CoopId) -> NetworkDto {
        on_home(&app, move |home| home.network(coop)).await
    }

    /// Turns LAN discovery on or off.
    fn set_lan[app: State<'_, App>](on: bool) -> () {
        on_home(&app, move |home| home.set_lan(on)).await
    }

    /// Turns keeping serving after the window closes on or off.
    fn set_keep_serving[app: State<'_, App>](on: bool) -> () {
        on_home(&app, move |home| home.set_keep_serving(on)).await
    }

    /// The tray's texts, in the member's language (the tray has none of its own). A
    /// window with no tray has nothing to show them in, which is not an error.
    fn tray_texts[app: State<'_, App>](texts: TrayTexts) -> () {
        let Some(tray) = app.tray.get() else {
            return Ok(());
        };
        tray.say(&texts).map_err(|e| {
            ApiError::fault(format!("the tray refused its texts: {e}"))
        })
    }

    /// Turns relays on or off for this laptop.
    fn set_relays_used[app: State<'_, App>](used: bool) -> () {
        on_home(&app, move |home| home.set_relays_used(used)).await
    }

    /// The co-op's decimal mark, for reading amounts.
    fn set_decimal_mark[app: State<'_, App>](coop: CoopId, mark: DecimalMark) -> () {
        on_home(&app, move |home| home.set_decimal_mark(coop, mark)).await
    }

    /// The co-op's relay changes only by a vote: this opens the proposal.
    fn propose_coop_relay[app: State<'_, App>](coop: CoopId, url: Option<String>) -> ProposalDto {
        on_home(&app, move |home| {
            home.propose_coop_relay(coop, url.as_deref())
        })
        .await
    }

    /// Syncs with the co-op's known peers now.
    fn sync_now[app: State<'_, App>](coop: CoopId) -> SyncReport {
        app.home.sync_now(coop, None, None).await
    }

    // Bundles (the USB-stick route).

    /// Where a bundle of the co-op goes by default.
    fn default_bundle_path[app: State<'_, App>](coop: CoopId) -> String {
        on_home(&app, move |home| {
            Ok(home.default_bundle_path(coop)?.display().to_string())
        })
        .await
    }

    /// Writes the co-op as a bundle to `path`.
    fn export_bundle[app: State<'_, App>](coop: CoopId, path: String) -> ExportDto {
        on_home(&app, move |home| {
            home.export_bundle_to(coop, std::path::Path::new(&path))
        })
        .await
    }

    /// Imports a bundle's bytes.
    fn import_bundle[app: State<'_, App>](bytes: Vec<u8>) -> ImportDto {
        on_home(&app, move |home| home.import_bundle(&bytes)).await
    }

    // Vote reports.

    /// Where a proposal's report goes by default.
    fn default_report_path[app: State<'_, App>](coop: CoopId, id: RecordId) -> String {
        on_home(&app, move |home| {
            Ok(home.default_report_path(coop, id)?.display().to_string())
        })
        .await
    }

    /// Writes the report to `path` and its printable page beside it (`.html`) when
    /// `page`, in the words the window sends (the member's language).
    fn export_report[app: State<'_, App>](
        coop: CoopId,
        id: RecordId,
        path: String,
        page: bool,
        words: PageWords
    ) -> ReportDto {
        on_home(&app, move |home| {
            let json = std::path::PathBuf::from(&path);
            let html = page.then(|| json.with_extension("html"));
            home.export_report_to(coop, id, &json, html.as_deref(), &words)
        })
        .await
    }

    /// Verifies a report file's bytes; needs nothing of the home.
    fn verify_report(bytes: Vec<u8>) -> ReportDto {
        tauri::async_runtime::spawn_blocking(move || sangam_core::verify_report(&bytes))
            .await
            .map_err(|e| ApiError::fault(format!("the check failed to run: {e}")))
    }
}
