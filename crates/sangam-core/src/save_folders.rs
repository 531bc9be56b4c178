//! Where files a member saves go unless they pick another place: the folder the last file
//! of the same kind went to, remembered on this laptop, else Downloads.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sangam_model::{CoopId, RecordId};

use crate::dto::ExportDto;
use crate::reports::ReportDto;

use crate::error::ApiError;
use crate::home::Home;

/// A kind of file the member saves, each with a folder of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedFile {
    /// A bundle of the co-op, for a USB stick or an email.
    Bundle,
    /// A proposal's signed report and its page.
    Report,
    /// The books for hledger, beancount or a spreadsheet.
    Books,
}

impl SavedFile {
    fn setting(self) -> &'static str {
        match self {
            SavedFile::Bundle => "save_folder.bundle",
            SavedFile::Report => "save_folder.report",
            SavedFile::Books => "save_folder.books",
        }
    }
}

impl Home {
    /// Exports all of the co-op's changes into the file at `path`, written atomically.
    pub fn export_bundle_to(&self, coop: CoopId, path: &Path) -> Result<ExportDto, ApiError> {
        let (bytes, dto) = self.export_bundle(coop, None)?;
        crate::files::write_atomically(path, &bytes)?;
        self.remember_save_folder(crate::SavedFile::Bundle, path)?;
        Ok(dto)
    }

    /// Where a bundle of `coop` is saved unless the member picks another place: where the
    /// last one went, else the Downloads folder (else the home folder), named after the
    /// co-op and today's date.
    pub fn default_bundle_path(&self, coop: CoopId) -> Result<PathBuf, ApiError> {
        let name = self.coop(coop)?.name;
        Ok(self.save_folder(crate::SavedFile::Bundle)?.join(format!(
            "{}-{}.bundle",
            file_stem(&name),
            self.today()
        )))
    }

    /// Today's date, `YYYY-MM-DD` (UTC), for file names.
    pub(crate) fn today(&self) -> String {
        let day = humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH
                + Duration::from_millis(u64::try_from(self.now()).unwrap_or_default()),
        )
        .to_string();
        day[..10].to_owned()
    }

    /// Writes a proposal's report to `json` (and its page to `html`, in `words`'
    /// language), each atomically.
    pub fn export_report_to(
        &self,
        coop: CoopId,
        id: RecordId,
        json: &Path,
        html: Option<&Path>,
        words: &crate::PageWords,
    ) -> Result<ReportDto, ApiError> {
        let report = self.export_report(coop, id)?;
        crate::files::write_atomically(json, &report.json)?;
        if let Some(html) = html {
            let page = crate::reports::page::render_in(&report.dto, words);
            crate::files::write_atomically(html, page.as_bytes())?;
        }
        self.remember_save_folder(crate::SavedFile::Report, json)?;
        Ok(report.dto)
    }

    /// Where a proposal's report is saved unless the member picks another place: where
    /// the last one went, else Downloads, named after the proposal and today's date (the
    /// page is the same name with `.html`).
    pub fn default_report_path(&self, coop: CoopId, id: RecordId) -> Result<PathBuf, ApiError> {
        let title = self.proposal(coop, id)?.title;
        Ok(self.save_folder(crate::SavedFile::Report)?.join(format!(
            "{}-report-{}.json",
            file_stem(&title),
            self.today()
        )))
    }

    /// The folder a file of `kind` is saved in unless the member picks another: where
    /// the last one went, if that folder is still there, else Downloads (else the home
    /// folder).
    pub fn save_folder(&self, kind: SavedFile) -> Result<PathBuf, ApiError> {
        let remembered = self.node().store().setting(kind.setting())?;
        Ok(remembered
            .map(PathBuf::from)
            .filter(|folder| folder.is_dir())
            .unwrap_or_else(crate::home::downloads))
    }

    /// Remembers the folder of `written`, a file of `kind` just saved there.
    pub(crate) fn remember_save_folder(
        &self,
        kind: SavedFile,
        written: &Path,
    ) -> Result<(), ApiError> {
        let Some(folder) = written.parent().filter(|f| !f.as_os_str().is_empty()) else {
            return Ok(());
        };
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        if let Some(text) = folder.to_str() {
            self.node().store().set_setting(kind.setting(), text)?;
        }
        Ok(())
    }
}

/// A name made safe for a file: letters and digits lowercased, the rest dashes, at most 60
/// characters.
pub(crate) fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    stem.trim_matches('-').chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::SavedFile;

    #[test]
    fn each_kind_of_file_is_next_saved_where_the_last_one_went() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, coop) = crate::home::founded(&dir.path().join("home"));
        let first = home.default_bundle_path(coop).expect("a default");
        assert_eq!(first.parent(), Some(crate::home::downloads().as_path()));
        let stick = dir.path().join("usb stick");
        std::fs::create_dir(&stick).expect("a folder");
        home.export_bundle_to(coop, &stick.join("river.bundle"))
            .expect("exports");
        let next = home.default_bundle_path(coop).expect("a default");
        assert_eq!(
            next.parent(),
            Some(stick.canonicalize().expect("exists").as_path())
        );
        // Each kind keeps its own folder.
        let books = home
            .default_books_path(coop, crate::ExportFormat::Hledger)
            .expect("a default");
        assert_eq!(books.parent(), Some(crate::home::downloads().as_path()));
        // A folder since removed is not offered.
        std::fs::remove_file(stick.join("river.bundle")).expect("removes");
        std::fs::remove_dir(&stick).expect("removes");
        assert_eq!(
            home.save_folder(SavedFile::Bundle).expect("a folder"),
            crate::home::downloads()
        );
    }
}
