//! The window's commands for the books: each calls one `sangam-core` use case of the
//! ledger (see `commands.rs` for how they run).

use sangam_core::{
    AccountDraft, AccountDto, BalanceSheetDto, BankImportDto, Basis, CapitalDto, CoopId,
    EntryDraft, EntryDto, ExportFormat, JournalFilter, LabourDto, LabourSummaryDto, MonthDto,
    PatronageDto,
};
use tauri::State;

use crate::App;
use crate::commands::{Answer, on_home};

#[tauri::command(rename_all = "snake_case")]
pub async fn accounts(app: State<'_, App>, coop: CoopId) -> Answer<Vec<AccountDto>> {
    on_home(&app, move |home| home.accounts(coop)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_account(
    app: State<'_, App>,
    coop: CoopId,
    draft: AccountDraft,
) -> Answer<AccountDto> {
    on_home(&app, move |home| home.open_account(coop, &draft)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn close_account(
    app: State<'_, App>,
    coop: CoopId,
    account: String,
) -> Answer<AccountDto> {
    on_home(&app, move |home| home.close_account(coop, &account)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn journal(
    app: State<'_, App>,
    coop: CoopId,
    filter: JournalFilter,
) -> Answer<Vec<EntryDto>> {
    on_home(&app, move |home| home.journal(coop, &filter)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn post_entry(app: State<'_, App>, coop: CoopId, draft: EntryDraft) -> Answer<EntryDto> {
    on_home(&app, move |home| home.post_entry(coop, &draft)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reverse_entry(
    app: State<'_, App>,
    coop: CoopId,
    entry: String,
    date: String,
) -> Answer<EntryDto> {
    on_home(&app, move |home| home.reverse_entry(coop, &entry, &date)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn balance_sheet(
    app: State<'_, App>,
    coop: CoopId,
    at: Option<String>,
) -> Answer<BalanceSheetDto> {
    on_home(&app, move |home| home.balance_sheet(coop, at.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn monthly(
    app: State<'_, App>,
    coop: CoopId,
    from: String,
    to: String,
) -> Answer<Vec<MonthDto>> {
    on_home(&app, move |home| home.monthly(coop, &from, &to)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn capital(app: State<'_, App>, coop: CoopId) -> Answer<Vec<CapitalDto>> {
    on_home(&app, move |home| home.capital(coop, None)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn log_labour(
    app: State<'_, App>,
    coop: CoopId,
    date: String,
    minutes: u32,
    note: Option<String>,
) -> Answer<LabourDto> {
    on_home(&app, move |home| {
        home.log_labour(coop, &date, minutes, note.as_deref())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn labour(
    app: State<'_, App>,
    coop: CoopId,
    from: String,
    to: String,
) -> Answer<Vec<LabourSummaryDto>> {
    on_home(&app, move |home| home.labour(coop, &from, &to)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patronage_preview(
    app: State<'_, App>,
    coop: CoopId,
    from: String,
    to: String,
    surplus: String,
    basis: Basis,
) -> Answer<PatronageDto> {
    on_home(&app, move |home| {
        home.patronage_preview(coop, &from, &to, &surplus, basis)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn allocate_patronage(
    app: State<'_, App>,
    coop: CoopId,
    from: String,
    to: String,
    surplus: String,
    basis: Basis,
    proposal: String,
) -> Answer<PatronageDto> {
    on_home(&app, move |home| {
        home.allocate_patronage(coop, &from, &to, &surplus, basis, &proposal)
    })
    .await
}

/// Reads the rules file and then the statement, as it is needed, from their paths (regular
/// files within their caps), then previews or posts.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_bank_csv(
    app: State<'_, App>,
    coop: CoopId,
    statement: String,
    rules: String,
    dry_run: bool,
) -> Answer<BankImportDto> {
    on_home(&app, move |home| {
        use sangam_core::files::{MAX_RULES_FILE, read_text_capped};
        let rules = read_text_capped(rules.as_ref(), MAX_RULES_FILE, "the rules file")?;
        home.import_bank_file(coop, statement.as_ref(), &rules, dry_run)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn default_books_path(
    app: State<'_, App>,
    coop: CoopId,
    format: String,
) -> Answer<String> {
    on_home(&app, move |home| {
        let format: ExportFormat = format.parse()?;
        Ok(home.default_books_path(coop, format)?.display().to_string())
    })
    .await
}

/// Writes the books in `format` to `path`; returns the path written.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_books(
    app: State<'_, App>,
    coop: CoopId,
    format: String,
    path: String,
) -> Answer<String> {
    on_home(&app, move |home| {
        let format: ExportFormat = format.parse()?;
        home.export_books_to(coop, format, std::path::Path::new(&path))?;
        Ok(path)
    })
    .await
}
