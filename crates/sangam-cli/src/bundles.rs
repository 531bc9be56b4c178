//! `sangam bundle …`: a co-op carried between homes in a file (a USB stick, an email
//! attachment): its signed changes written out, and a bundle verified and applied.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use sangam_core::{ErrorCode, ExportDto, Home, ImportDto, files};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, print};

#[derive(Subcommand)]
pub enum BundleCommand {
    /// Write the co-op's signed changes to FILE.
    Export {
        /// Where to write.
        file: PathBuf,
        /// Only what is new since this earlier bundle.
        #[arg(long, value_name = "FILE")]
        since: Option<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
    /// Verify and apply a bundle.
    Import {
        /// The bundle.
        file: PathBuf,
        #[command(flatten)]
        out: Output,
    },
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: BundleCommand) -> Result<()> {
    match command {
        BundleCommand::Export { file, since, out } => {
            let coop = resolve::coop(home, coop_arg)?;
            let since = since
                .map(|p| {
                    files::read_capped(
                        &p,
                        files::MAX_BUNDLE_FILE,
                        sangam_core::Thing::EarlierBundle,
                    )
                })
                .transpose()
                .map_err(api)?;
            let (bytes, dto) = home
                .export_bundle(coop, since.as_deref())
                .map_err(|e| since_error(e, since.is_some()))?;
            files::write_atomically(&file, &bytes).map_err(api)?;
            print(out, &dto, || render_export(&dto, &file))
        }
        BundleCommand::Import { file, out } => {
            let bytes =
                files::read_capped(&file, files::MAX_BUNDLE_FILE, sangam_core::Thing::Bundle)
                    .map_err(api)?;
            let dto = home.import_bundle(&bytes).map_err(api)?;
            print(out, &dto, || render_import(&dto))
        }
    }
}

/// An export's error, naming `--since` when the earlier bundle given there is at fault.
fn since_error(e: sangam_core::ApiError, since: bool) -> anyhow::Error {
    match e.code {
        ErrorCode::BadBundle | ErrorCode::InvalidInput if since => {
            anyhow::anyhow!("--since: {}", e.message)
        }
        _ => api(e),
    }
}

fn render_export(dto: &ExportDto, file: &Path) -> String {
    format!(
        "Wrote {} changes ({} bytes) to {}.",
        dto.changes,
        dto.bytes,
        file.display()
    )
}

fn render_import(dto: &ImportDto) -> String {
    let mut text = if dto.joined {
        format!("Joined {:?} ({}).", dto.name, dto.coop)
    } else {
        format!("Imported into {:?}.", dto.name)
    };
    text.push_str(&format!(
        "\n  applied {} new changes, {} already here, {} refused",
        dto.applied,
        dto.duplicates,
        dto.rejected.len()
    ));
    for r in &dto.rejected {
        text.push_str(&format!(
            "\n  refused {}: {}",
            r.change.as_deref().unwrap_or("?"),
            r.reason
        ));
    }
    text
}
