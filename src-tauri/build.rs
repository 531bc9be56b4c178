//! Builds the window's context. The app's commands are listed here so each needs an
//! explicit permission: the window gets only those its capability names.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri context builds");
}

/// Every command `commands.rs` registers (kept in step with `generate_handler!` there;
/// a command missing here is refused at run time, never silently allowed).
const COMMANDS: &[&str] = &[
    "home_info",
    "identity",
    "create_identity",
    "coops",
    "create_coop",
    "coop",
    "members",
    "devices",
    "admit",
    "leave",
    "revoke_device",
    "update_profile",
    "create_invite",
    "qr_svg",
    "ticket_from_image",
    "join",
    "proposals",
    "proposal",
    "propose",
    "vote",
    "proxy",
    "proxy_revoke",
    "close",
    "withdraw",
    "peers",
    "network",
    "set_lan",
    "set_relays_used",
    "set_coop_relay",
    "sync_now",
    "default_bundle_path",
    "export_bundle",
    "import_bundle",
    "log",
    "refused",
    "take_notices",
];
