//! Keeping a home private to the user who owns it: the directory 0700 and every file in
//! it 0600, whatever the umask, because the database holds the member's and the device's
//! secret keys. A home found readable by others is tightened, and the member is told.

use std::path::Path;

use crate::ApiError;
use crate::problem::{ProblemKey, Thing, problem};

/// Creates `home` (and the database file) private to this user, or tightens them when
/// they are not. Returns what was tightened, for a notice (empty when nothing was).
#[cfg(unix)]
pub(crate) fn make_private(home: &Path, db_file: &str) -> Result<Vec<String>, ApiError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let storage = |what: Thing, e: std::io::Error| -> ApiError {
        problem(ProblemKey::HomeFolder)
            .about(what)
            .with("path", home.display())
            .with("detail", e)
            .into()
    };
    if !home.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(home)
            .map_err(|e| storage(Thing::CreateHome, e))?;
    }
    // SQLite gives its -wal and -shm files the database file's permissions, so the file is
    // made before SQLite first opens it.
    let db = home.join(db_file);
    if !db.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&db)
            .map_err(|e| storage(Thing::CreateDatabase, e))?;
    }
    let mut tightened = Vec::new();
    let mut tighten = |path: &Path, private: u32| -> Result<(), ApiError> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(private))
                .map_err(|e| storage(Thing::ProtectHome, e))?;
            tightened.push(format!("{} (was {mode:o})", path.display()));
        }
        Ok(())
    };
    tighten(home, 0o700)?;
    for suffix in ["", "-wal", "-shm"] {
        tighten(&home.join(format!("{db_file}{suffix}")), 0o600)?;
    }
    Ok(tightened)
}

/// Elsewhere the platform's defaults stand.
#[cfg(not(unix))]
pub(crate) fn make_private(home: &Path, _db_file: &str) -> Result<Vec<String>, ApiError> {
    std::fs::create_dir_all(home).map_err(|e| {
        ApiError::from(
            problem(ProblemKey::HomeFolder)
                .about(Thing::CreateHome)
                .with("path", home.display())
                .with("detail", e),
        )
    })?;
    Ok(Vec::new())
}
