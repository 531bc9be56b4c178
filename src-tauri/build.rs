//! Builds the window's context. The app's commands (`src/command_names.rs`) are declared
//! so each needs an explicit permission: the window gets only those its capability names.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri context builds");
}

include!("src/command_names.rs");
