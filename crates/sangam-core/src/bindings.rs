//! The TypeScript types of what core hands a window: every DTO, event and error, written
//! into `ui/src/lib/ipc/bindings/` (committed; the desktop imports them from there).
//! [`check_bindings`] compares them with the Rust types; the test suite fails when a type
//! changed and its binding did not. `make bindings` writes them anew.

use std::path::{Path, PathBuf};

/// Where the bindings live, from the repository's root.
pub const BINDINGS_DIR: &str = "ui/src/lib/ipc/bindings";

use ts_rs::{Config, TS};

/// Every exported type's file name and text.
fn rendered() -> Vec<(String, String)> {
    // JSON numbers: millisecond times and counts fit in a double.
    let cfg = Config::new().with_large_int("number");
    let mut out = Vec::new();
    macro_rules! each {
        ($($ty:ty),* $(,)?) => {
            $(out.push((
                format!("{}.ts", <$ty as TS>::name(&cfg)),
                <$ty as TS>::export_to_string(&cfg).expect("a binding renders"),
            ));)*
        };
    }
    each!(
        crate::ApiError,
        crate::ErrorCode,
        crate::Problem,
        crate::ProblemKey,
        crate::Thing,
        sangam_model::Refusal,
        crate::Event,
        crate::OutcomeDto,
        crate::RefusedSource,
        crate::EffectDto,
        crate::PageWords,
        crate::Activity,
        crate::Notice,
        crate::Origin,
        crate::JoinDecision,
        crate::PeerPath,
        crate::RecordStatus,
        crate::IdentityDto,
        crate::CoopSummaryDto,
        crate::CoopDto,
        crate::DecimalMark,
        crate::ExportFormat,
        crate::MemberDto,
        crate::DeviceDto,
        crate::LogEntryDto,
        crate::ExportDto,
        crate::RejectedDto,
        crate::RefusedDto,
        crate::ImportDto,
        crate::ProposalSummaryDto,
        crate::TallyDto,
        crate::ElectionDto,
        crate::TemplateDto,
        sangam_model::body::TemplateAdd,
        crate::ElectionRoundDto,
        crate::ElectionTieDto,
        crate::RoundAction,
        crate::TieFor,
        crate::ProposalDto,
        crate::NominationCallDto,
        crate::CandidateDto,
        crate::NomineeDto,
        sangam_model::body::NominationReply,
        crate::VoterDto,
        crate::ReportDto,
        crate::ReportSummaryDto,
        crate::ReportBallotDto,
        crate::ReportProxyDto,
        crate::ReportCloseDto,
        crate::BallotFate,
        crate::InviteDto,
        crate::JoinDto,
        crate::LinkDto,
        sangam_model::ledger::AccountType,
        sangam_model::ledger::AccountRole,
        sangam_model::ledger::Basis,
        crate::AccountDraft,
        crate::AccountDto,
        crate::BalanceSheetDto,
        crate::BankImportDto,
        crate::BankRowDto,
        crate::RowStatus,
        crate::BookGroupDto,
        crate::CapitalDto,
        crate::CapitalLineDto,
        crate::EntryDraft,
        crate::EntryDto,
        crate::EntryStanding,
        crate::IncomeStatementDto,
        crate::JournalFilter,
        crate::LabourDto,
        crate::LabourSummaryDto,
        crate::MoneyDto,
        crate::MonthDto,
        crate::PatronageDto,
        crate::PostingDraft,
        crate::PostingDto,
        crate::SplitLineDto,
        crate::ListingDraft,
        crate::ListingFilter,
        crate::ListingSummaryDto,
        crate::ListingDto,
        crate::ResponseDto,
        crate::ListingKind,
        crate::ShownStatus,
        crate::ListingStatus,
        crate::LinkedDto,
        crate::LinkedCoopDto,
        crate::JoinStatus,
        crate::PeerDto,
        crate::SyncReport,
        crate::HomeDto,
        crate::NetworkDto,
        crate::CoopForm,
        crate::ProposalForm,
        crate::EffectForm,
        crate::ProposalFilter,
        sangam_model::body::Fraction,
        sangam_model::Standing,
        sangam_model::Admission,
        sangam_model::body::Method,
        sangam_model::body::Vote,
        sangam_model::body::Choice,
        sangam_model::governance::Status,
        sangam_model::Kind,
    );
    // The problems' English, for the window's table.
    out.push((
        "problemWords.ts".to_owned(),
        crate::problem::english_table(),
    ));
    out
}

/// Compares the committed bindings in `dir` with the Rust types (`write`: writes them
/// instead). Returns the files that differ.
pub fn check_bindings(dir: &Path, write: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    if write {
        std::fs::create_dir_all(dir)?;
    }
    for (name, text) in rendered() {
        let path = dir.join(&name);
        if write {
            std::fs::write(&path, &text)?;
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    Ok(stale)
}
