//! Sangam's use cases over one home. A [`Home`] is the one handle every front end (the
//! `sangam` CLI, the desktop shell) holds: typed use cases in, typed DTOs and
//! [`ApiError`]s out, and a typed [`Event`] stream for whatever happens meanwhile. Inside,
//! a node owns the home's store, keys and the replicas of its co-ops; every write goes
//! through its one write path, which commits durably and then notifies live sync
//! sessions and subscribers. docs/architecture.md has the layers and the locking model.
//!
//! This crate must never depend on tauri; it never prints.

#![deny(missing_docs)]

mod activity;
mod announce;
mod bindings;
mod books;
mod bundles;
mod dto;
mod error;
mod error_code;
pub mod events;
pub mod files;
pub mod find;
mod forms;
mod governance;
mod home;
mod host;
mod invites;
mod lending;
mod links;
mod market;
mod membership;
mod mend;
mod money;
mod node;
mod nominations;
mod private;
mod problem;
mod published;
mod recovery;
mod reports;
mod save_folders;
mod saved_replicas;
mod serve;
mod settings;
pub mod templates;

pub use activity::{Activity, Notice};
pub use bindings::{BINDINGS_DIR, check_bindings};
pub use books::{
    AccountDraft, AccountDto, BalanceSheetDto, BankImportDto, BankRowDto, BookGroupDto, CapitalDto,
    CapitalLineDto, EntryDraft, EntryDto, EntryStanding, ExportFormat, ImportTotals,
    IncomeStatementDto, JournalFilter, LISTED_ROWS, LabourDto, LabourSummaryDto, MoneyDto,
    MonthDto, PatronageDto, PostingDraft, PostingDto, RowStatus, SplitLineDto, StatementSource,
};
pub use dto::*;
pub use error::{ApiError, ErrorCode};
pub use events::{Event, JoinDecision, Origin};
pub use forms::{CoopForm, EffectForm, ProposalForm, key_from_text};
pub use governance::{BooksChange, EffectDraft, ProposalDraft, ProposalFilter, choice_text};
pub use home::Home;
pub use invites::{InviteDto, JoinDto, JoinStatus};
pub use links::{LinkDto, LinkedCoopDto, LinkedDto, MAX_LINK_LIFETIME};
pub use market::{
    ListingDraft, ListingDto, ListingFilter, ListingSummaryDto, ResponseDto, ShownStatus,
    parse_price, price_text,
};
pub use money::{
    DecimalMark, minor_text, money_text, parse_minor, parse_money, parse_money_marked, places,
};
pub use node::{Clock, DB_FILE, Entropy, LATEST_TIME, OsEntropy, SystemClock};
pub use nominations::{CallDraft, NominationCallDto, NomineeDto};
pub use problem::{Problem, ProblemKey, Thing};
pub use recovery::PHRASE_WORDS;
pub use reports::page::{PageWords, render as report_page, render_in as report_page_in};
pub use reports::{
    BallotFate, ExportedReport, ReportBallotDto, ReportCloseDto, ReportDto, ReportProxyDto,
    ReportSummaryDto, verify_report,
};
pub use sangam_model::body::{Choice, Fraction, Method, NominationReply, Vote};
pub use sangam_model::ledger::{AccountRole, AccountType, Basis};
pub use sangam_model::market::{ListingKind, ListingStatus};
pub use sangam_model::{Admission, Body, CoopId, Kind, PublicKey, RecordId, Timestamp};
/// The scheme of a ticket as a link (`sangam:SANGAM1…`).
pub use sangam_net::LINK_SCHEME;
pub use sangam_net::{Net, NetError, PeerAddr, Relays, SyncSummary, addr_from_text, addr_to_text};
pub use save_folders::SavedFile;
pub use serve::{ServeInfo, ServeOptions, SyncReport};
pub use settings::PeerDto;
pub use templates::{
    TemplateDraft, TemplateDto, answers_in, template, templates, text_from_answers,
};
