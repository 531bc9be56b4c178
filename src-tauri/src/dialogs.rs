//! Native file dialogs: where to save a file, which file to read. The window keeps the
//! path in a text field as well, so a member may type one; a dialog starts where that
//! field points (the folder the last file of its kind went to, by default).

use std::path::PathBuf;

use sangam_core::ApiError;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// For tests, which cannot reach a native dialog through WebDriver: when set, names a
/// folder, and every dialog answers at once with the suggested file's name in it.
const ANSWER_IN: &str = "SANGAM_FILE_DIALOG_DIR";

/// Which dialog.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    /// Where to write a file.
    Save,
    /// Which file to read.
    Open,
}

/// A save dialog at `suggested` (its folder and name), or an open dialog in its folder:
/// the path chosen, or `None` if the member cancelled.
pub(crate) async fn choose(
    app: AppHandle,
    suggested: &str,
    mode: Mode,
) -> Result<Option<String>, ApiError> {
    let suggested = PathBuf::from(suggested.trim());
    if let Some(folder) = std::env::var_os(ANSWER_IN) {
        return Ok(suggested
            .file_name()
            .map(|name| PathBuf::from(folder).join(name).display().to_string()));
    }
    let mut dialog = app.dialog().file();
    if let Some(folder) = suggested.parent().filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    if let (Mode::Save, Some(name)) = (mode, suggested.file_name()) {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    // The blocking calls show the dialog on the window's thread and wait for it here.
    let chosen = tauri::async_runtime::spawn_blocking(move || match mode {
        Mode::Save => dialog.blocking_save_file(),
        Mode::Open => dialog.blocking_pick_file(),
    })
    .await
    .map_err(|e| ApiError::fault(format!("the file dialog failed: {e}")))?;
    Ok(chosen
        .and_then(|path| path.into_path().ok())
        .map(|path| path.display().to_string()))
}
