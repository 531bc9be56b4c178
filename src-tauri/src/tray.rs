//! The tray icon: while the home keeps serving with its window closed, the tray says how
//! syncing goes (serving, peers, last sync) and reopens the window or quits. Its texts
//! come from the window, in the member's language (`tray_texts`); until the window first
//! sends them they are the English ones below.

use std::panic::AssertUnwindSafe;

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Wry};

/// The tray's menu items whose texts follow the member's language.
pub struct Tray {
    status: MenuItem<Wry>,
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
    icon: TrayIcon<Wry>,
}

/// What the tray says, as the window words it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrayTexts {
    /// How syncing goes, e.g. "Serving: 2 peers in the last hour, last sync 14:02".
    pub status: String,
    /// The item that shows the window.
    pub open: String,
    /// The item that stops serving and ends Sangam.
    pub quit: String,
}

const OPEN: &str = "open";
const QUIT: &str = "quit";

/// Adds the tray icon, or says why there is none (a desktop without the
/// libayatana-appindicator3 library, whose loader panics when it is missing). Without a
/// tray, closing the window quits, as a member with no way back to it would expect.
pub fn add(app: &AppHandle) -> Option<Tray> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| build(app))) {
        Ok(Ok(tray)) => Some(tray),
        Ok(Err(e)) => {
            eprintln!("sangam-desktop: no tray icon ({e}); closing the window quits");
            None
        }
        Err(_) => {
            eprintln!(
                "sangam-desktop: no tray icon (install libayatana-appindicator3-1 for one); closing the window quits"
            );
            None
        }
    }
}

fn build(app: &AppHandle) -> tauri::Result<Tray> {
    let status = MenuItem::with_id(app, "status", "Not serving yet", false, None::<&str>)?;
    let open = MenuItem::with_id(app, OPEN, "Open Sangam", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Sangam", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[&status, &PredefinedMenuItem::separator(app)?, &open, &quit],
    )?;
    let mut builder = TrayIconBuilder::with_id("sangam")
        .menu(&menu)
        .tooltip("Sangam")
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN => show_window(app),
            QUIT => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    Ok(Tray {
        status,
        open,
        quit,
        icon,
    })
}

impl Tray {
    /// Shows `texts`.
    pub fn say(&self, texts: &TrayTexts) -> tauri::Result<()> {
        self.status.set_text(&texts.status)?;
        self.open.set_text(&texts.open)?;
        self.quit.set_text(&texts.quit)?;
        self.icon.set_tooltip(Some(&texts.status))
    }
}

/// Shows the window again, in front (after it was closed to the tray, or behind others).
pub fn show_window(app: &AppHandle) {
    for window in app.webview_windows().into_values() {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
