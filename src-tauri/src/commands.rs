//! The window's commands: each takes the app's state, calls one `sangam-core` use case
//! and returns its DTO or its `ApiError {code, message}` (the window shows the message
//! beside the form that caused it). Core's calls block on the home's database, so each
//! runs on a blocking thread, never on the window's.

use sangam_core::{
    ApiError, Choice, CoopDto, CoopForm, CoopId, CoopSummaryDto, DeviceDto, ErrorCode, ExportDto,
    Home, HomeDto, IdentityDto, ImportDto, InviteDto, JoinDto, LinkDto, LinkedDto, ListingDraft,
    ListingDto, ListingFilter, ListingStatus, ListingSummaryDto, LogEntryDto, MemberDto,
    NetworkDto, PeerDto, ProposalDto, ProposalFilter, ProposalForm, ProposalSummaryDto, PublicKey,
    RecordId, RefusedDto, ReportDto, SyncReport, TallyDto,
};
use tauri::{AppHandle, State};

use crate::App;

pub(crate) type Answer<T> = Result<T, ApiError>;

/// Runs `use_case` on the home on a blocking thread.
pub(crate) async fn on_home<T: Send + 'static>(
    app: &App,
    use_case: impl FnOnce(&Home) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    let home = app.home.clone();
    tauri::async_runtime::spawn_blocking(move || use_case(&home))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("the home's task failed: {e}")))?
}

/// Every command, for the builder (keep in step with build.rs's list).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        home_info,
        identity,
        create_identity,
        coops,
        create_coop,
        coop,
        members,
        devices,
        admit,
        leave,
        revoke_device,
        update_profile,
        create_invite,
        qr_svg,
        ticket_from_image,
        join,
        create_link,
        link,
        recovery_phrase,
        restore_identity,
        listings,
        listing,
        post_listing,
        revise_listing,
        set_listing_status,
        respond,
        proposals,
        templates,
        take_opened_link,
        proposal,
        propose,
        vote,
        proxy,
        proxy_revoke,
        close,
        withdraw,
        peers,
        network,
        set_lan,
        set_keep_serving,
        tray_texts,
        set_relays_used,
        set_decimal_mark,
        propose_coop_relay,
        sync_now,
        default_bundle_path,
        export_bundle,
        import_bundle,
        default_report_path,
        export_report,
        verify_report,
        log,
        refused,
        take_notices,
        crate::books::accounts,
        crate::books::open_account,
        crate::books::close_account,
        crate::books::journal,
        crate::books::post_entry,
        crate::books::reverse_entry,
        crate::books::balance_sheet,
        crate::books::monthly,
        crate::books::capital,
        crate::books::log_labour,
        crate::books::labour,
        crate::books::patronage_preview,
        crate::books::allocate_patronage,
        crate::books::import_bank_csv,
        crate::books::default_books_path,
        crate::dialogs::choose_save_path,
        crate::dialogs::choose_open_path,
        crate::books::export_books,
    ]
}

// The home and its member.

#[tauri::command(rename_all = "snake_case")]
async fn home_info(app: State<'_, App>) -> Answer<HomeDto> {
    on_home(&app, |home| Ok(home.info())).await
}

#[tauri::command(rename_all = "snake_case")]
async fn identity(app: State<'_, App>) -> Answer<IdentityDto> {
    on_home(&app, |home| home.identity()).await
}

#[tauri::command(rename_all = "snake_case")]
async fn create_identity(app: State<'_, App>, name: String) -> Answer<IdentityDto> {
    on_home(&app, move |home| home.create_identity(&name)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn take_notices(app: State<'_, App>) -> Answer<Vec<String>> {
    on_home(&app, |home| Ok(home.take_notices())).await
}

// Co-ops and members.

#[tauri::command(rename_all = "snake_case")]
async fn coops(app: State<'_, App>) -> Answer<Vec<CoopSummaryDto>> {
    on_home(&app, |home| home.coops()).await
}

#[tauri::command(rename_all = "snake_case")]
async fn create_coop(app: State<'_, App>, window: AppHandle, form: CoopForm) -> Answer<CoopDto> {
    let coop = on_home(&app, move |home| home.found_coop(&form)).await?;
    app.serving.ensure(&window);
    Ok(coop)
}

#[tauri::command(rename_all = "snake_case")]
async fn coop(app: State<'_, App>, coop: CoopId) -> Answer<CoopDto> {
    on_home(&app, move |home| home.coop(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn members(app: State<'_, App>, coop: CoopId) -> Answer<Vec<MemberDto>> {
    on_home(&app, move |home| home.members(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn devices(app: State<'_, App>, coop: CoopId) -> Answer<Vec<DeviceDto>> {
    on_home(&app, move |home| home.devices(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn admit(
    app: State<'_, App>,
    coop: CoopId,
    member: String,
    name: String,
) -> Answer<MemberDto> {
    on_home(&app, move |home| {
        let member = sangam_core::key_from_text(&member, "the newcomer's member key")?;
        home.admit(coop, member, &name)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn leave(app: State<'_, App>, coop: CoopId) -> Answer<()> {
    on_home(&app, move |home| home.leave(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn revoke_device(app: State<'_, App>, coop: CoopId, device: PublicKey) -> Answer<()> {
    on_home(&app, move |home| home.revoke_device(coop, device)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn update_profile(
    app: State<'_, App>,
    coop: CoopId,
    name: Option<String>,
    contact: Option<String>,
) -> Answer<MemberDto> {
    on_home(&app, move |home| {
        home.update_profile(coop, name.as_deref(), contact.as_deref())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn log(app: State<'_, App>, coop: CoopId) -> Answer<Vec<LogEntryDto>> {
    on_home(&app, move |home| home.log(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn refused(app: State<'_, App>, coop: CoopId) -> Answer<Vec<RefusedDto>> {
    on_home(&app, move |home| home.refused(coop)).await
}

// Invites and joining.

#[tauri::command(rename_all = "snake_case")]
async fn create_invite(
    app: State<'_, App>,
    coop: CoopId,
    hours: u32,
    uses: u32,
) -> Answer<InviteDto> {
    let span = std::time::Duration::from_secs(u64::from(hours) * 3600);
    on_home(&app, move |home| home.create_invite(coop, span, uses)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn qr_svg(text: String) -> Answer<String> {
    sangam_qr::svg(&text).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
}

#[tauri::command(rename_all = "snake_case")]
async fn ticket_from_image(bytes: Vec<u8>) -> Answer<String> {
    sangam_qr::read(&bytes).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
}

#[tauri::command(rename_all = "snake_case")]
async fn join(
    app: State<'_, App>,
    window: AppHandle,
    ticket: String,
    name: Option<String>,
) -> Answer<JoinDto> {
    let joined = app.home.join(&ticket, name.as_deref()).await?;
    app.serving.ensure(&window);
    Ok(joined)
}

// A member's own laptops and their key.

/// A one-time ticket for a new laptop of this member, good for `minutes` (at most 60).
#[tauri::command(rename_all = "snake_case")]
async fn create_link(app: State<'_, App>, coop: CoopId, minutes: u32) -> Answer<LinkDto> {
    let span = std::time::Duration::from_secs(u64::from(minutes) * 60);
    on_home(&app, move |home| home.create_link(coop, span)).await
}

/// Links this (new) laptop with a ticket from another laptop of the member; it serves
/// from then on, as after a join.
#[tauri::command(rename_all = "snake_case")]
async fn link(app: State<'_, App>, window: AppHandle, ticket: String) -> Answer<LinkedDto> {
    let linked = app.home.link(&ticket).await?;
    app.serving.ensure(&window);
    Ok(linked)
}

/// The member key as its 24-word recovery phrase (the window asks before showing it).
#[tauri::command(rename_all = "snake_case")]
async fn recovery_phrase(app: State<'_, App>) -> Answer<Vec<String>> {
    on_home(&app, |home| home.recovery_phrase()).await
}

/// Restores the member key from its phrase into a home with no identity yet.
#[tauri::command(rename_all = "snake_case")]
async fn restore_identity(
    app: State<'_, App>,
    phrase: String,
    name: String,
) -> Answer<IdentityDto> {
    on_home(&app, move |home| home.restore_identity(&phrase, &name)).await
}

// The marketplace.

#[tauri::command(rename_all = "snake_case")]
async fn listings(
    app: State<'_, App>,
    coop: CoopId,
    filter: ListingFilter,
) -> Answer<Vec<ListingSummaryDto>> {
    on_home(&app, move |home| home.listings(coop, &filter)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn listing(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<ListingDto> {
    on_home(&app, move |home| home.listing(coop, id)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn post_listing(
    app: State<'_, App>,
    coop: CoopId,
    draft: ListingDraft,
) -> Answer<ListingDto> {
    on_home(&app, move |home| home.post_listing(coop, &draft)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn revise_listing(
    app: State<'_, App>,
    coop: CoopId,
    id: RecordId,
    draft: ListingDraft,
) -> Answer<ListingDto> {
    on_home(&app, move |home| home.revise_listing(coop, id, &draft)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn set_listing_status(
    app: State<'_, App>,
    coop: CoopId,
    id: RecordId,
    status: ListingStatus,
) -> Answer<ListingDto> {
    on_home(&app, move |home| home.set_listing_status(coop, id, status)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn respond(
    app: State<'_, App>,
    coop: CoopId,
    id: RecordId,
    message: String,
    quantity: Option<u32>,
) -> Answer<ListingDto> {
    on_home(&app, move |home| home.respond(coop, id, &message, quantity)).await
}

// Proposals and votes.

#[tauri::command(rename_all = "snake_case")]
async fn proposals(
    app: State<'_, App>,
    coop: CoopId,
    filter: ProposalFilter,
) -> Answer<Vec<ProposalSummaryDto>> {
    on_home(&app, move |home| home.proposals(coop, filter)).await
}

/// The `sangam:` link the window was started with, once (it opens the join flow).
#[tauri::command(rename_all = "snake_case")]
async fn take_opened_link(app: State<'_, App>) -> Answer<Option<String>> {
    Ok(app
        .opened_link
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take())
}

/// The proposal templates Sangam ships (English; the window translates by id).
#[tauri::command(rename_all = "snake_case")]
async fn templates() -> Answer<Vec<sangam_core::TemplateDto>> {
    Ok(sangam_core::templates())
}

#[tauri::command(rename_all = "snake_case")]
async fn proposal(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<ProposalDto> {
    on_home(&app, move |home| home.proposal(coop, id)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn propose(app: State<'_, App>, coop: CoopId, form: ProposalForm) -> Answer<ProposalDto> {
    on_home(&app, move |home| home.propose_form(coop, form)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn vote(app: State<'_, App>, coop: CoopId, id: RecordId, choice: Choice) -> Answer<TallyDto> {
    on_home(&app, move |home| home.vote(coop, id, choice)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn proxy(app: State<'_, App>, coop: CoopId, id: RecordId, holder: PublicKey) -> Answer<()> {
    on_home(&app, move |home| home.proxy(coop, id, holder)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn proxy_revoke(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<()> {
    on_home(&app, move |home| home.proxy_revoke(coop, id)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn close(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<TallyDto> {
    on_home(&app, move |home| home.close(coop, id)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn withdraw(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<()> {
    on_home(&app, move |home| home.withdraw(coop, id)).await
}

// Peers and the network.

#[tauri::command(rename_all = "snake_case")]
async fn peers(app: State<'_, App>, coop: CoopId) -> Answer<Vec<PeerDto>> {
    on_home(&app, move |home| home.peers(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn network(app: State<'_, App>, coop: CoopId) -> Answer<NetworkDto> {
    on_home(&app, move |home| home.network(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn set_lan(app: State<'_, App>, on: bool) -> Answer<()> {
    on_home(&app, move |home| home.set_lan(on)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn set_keep_serving(app: State<'_, App>, on: bool) -> Answer<()> {
    on_home(&app, move |home| home.set_keep_serving(on)).await
}

/// The tray's texts, in the member's language (the tray has none of its own). A window
/// with no tray has nothing to show them in, which is not an error.
#[tauri::command(rename_all = "snake_case")]
fn tray_texts(app: State<'_, App>, texts: crate::tray::TrayTexts) -> Answer<()> {
    let Some(tray) = app.tray.get() else {
        return Ok(());
    };
    tray.say(&texts).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("the tray refused its texts: {e}"),
        )
    })
}

#[tauri::command(rename_all = "snake_case")]
async fn set_relays_used(app: State<'_, App>, used: bool) -> Answer<()> {
    on_home(&app, move |home| home.set_relays_used(used)).await
}

#[tauri::command(rename_all = "snake_case")]
async fn set_decimal_mark(app: State<'_, App>, coop: CoopId, mark: String) -> Answer<()> {
    on_home(&app, move |home| {
        home.set_decimal_mark(coop, sangam_core::DecimalMark::from_word(&mark)?)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn propose_coop_relay(
    app: State<'_, App>,
    coop: CoopId,
    url: Option<String>,
) -> Answer<ProposalDto> {
    on_home(&app, move |home| {
        home.propose_coop_relay(coop, url.as_deref())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn sync_now(app: State<'_, App>, coop: CoopId) -> Answer<SyncReport> {
    app.home.sync_now(coop, None, None).await
}

// Bundles (the USB-stick route).

#[tauri::command(rename_all = "snake_case")]
async fn default_bundle_path(app: State<'_, App>, coop: CoopId) -> Answer<String> {
    on_home(&app, move |home| {
        Ok(home.default_bundle_path(coop)?.display().to_string())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn export_bundle(app: State<'_, App>, coop: CoopId, path: String) -> Answer<ExportDto> {
    on_home(&app, move |home| {
        home.export_bundle_to(coop, std::path::Path::new(&path))
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
async fn import_bundle(app: State<'_, App>, bytes: Vec<u8>) -> Answer<ImportDto> {
    on_home(&app, move |home| home.import_bundle(&bytes)).await
}

// Vote reports.

#[tauri::command(rename_all = "snake_case")]
async fn default_report_path(app: State<'_, App>, coop: CoopId, id: RecordId) -> Answer<String> {
    on_home(&app, move |home| {
        Ok(home.default_report_path(coop, id)?.display().to_string())
    })
    .await
}

/// Writes the report to `path` and its printable page beside it (`.html`) when `page`.
#[tauri::command(rename_all = "snake_case")]
async fn export_report(
    app: State<'_, App>,
    coop: CoopId,
    id: RecordId,
    path: String,
    page: bool,
) -> Answer<ReportDto> {
    on_home(&app, move |home| {
        let json = std::path::PathBuf::from(&path);
        let html = page.then(|| json.with_extension("html"));
        home.export_report_to(coop, id, &json, html.as_deref())
    })
    .await
}

/// Verifies a report file's bytes; needs nothing of the home.
#[tauri::command(rename_all = "snake_case")]
async fn verify_report(bytes: Vec<u8>) -> Answer<ReportDto> {
    tauri::async_runtime::spawn_blocking(move || sangam_core::verify_report(&bytes))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("the check failed to run: {e}")))
}
