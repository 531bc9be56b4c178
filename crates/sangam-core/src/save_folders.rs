//! Where files a member saves go unless they pick another place: the folder the last file
//! of the same kind went to, remembered on this laptop, else Downloads.

use std::path::{Path, PathBuf};

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
