//! The desktop shell: a Tauri window over one [`sangam_core::Home`]. Commands
//! (`commands.rs`, the one list they are written in) call one core use case each; `events.rs`
//! forwards the core's event stream to the window; `serving.rs` keeps the home serving
//! while the window is open, and after it is closed if the member keeps it serving, with
//! `tray.rs`'s icon to reopen it or quit; `one_window.rs` keeps one window per home.
//! Nothing else lives here: logic that wants to belongs in core.

#[cfg(test)]
mod command_files;
mod command_names;
mod commands;
mod dialogs;
mod events;
#[cfg(unix)]
mod one_window;
mod serving;
mod tray;

use std::path::PathBuf;
use std::process::ExitCode;

use sangam_core::Home;

pub use command_names::COMMANDS;
pub use serving::Serving;

/// What every command reaches: the home, its serving task, the `sangam:` link the
/// window was started with until the window takes it, and the tray icon once added.
pub struct App {
    home: Home,
    serving: Serving,
    opened_link: std::sync::Mutex<Option<String>>,
    tray: std::sync::OnceLock<tray::Tray>,
}

impl App {
    /// Whether closing the window should leave the home serving: only while it serves,
    /// the member wants it (the default), and a tray icon can bring the window back.
    fn keeps_serving_when_closed(&self) -> bool {
        self.tray.get().is_some()
            && self.serving.is_running()
            && self.home.keeps_serving().unwrap_or(false)
    }
}

/// The event a `sangam:` link opened by a later launch reaches the window by.
const OPEN_LINK_EVENT: &str = "sangam-open-link";

/// The home this window opens: `--home DIR`, else `SANGAM_HOME`, else `sangam` in the
/// user's data directory (the same home the `sangam` command uses).
fn home_dir() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--home" {
            return args.next().map(PathBuf::from);
        }
    }
    std::env::var_os("SANGAM_HOME")
        .map(PathBuf::from)
        .or_else(sangam_core::files::default_home)
}

/// The `sangam:` link this launch was started with (a desktop opens the app with the
/// link as its argument when a member clicks one).
fn opened_link() -> Option<String> {
    std::env::args().skip(1).find(|a| {
        a.get(..sangam_core::LINK_SCHEME.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(sangam_core::LINK_SCHEME))
    })
}

/// Whether there is a display to open a window on (X11 or Wayland).
fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// Opens the home and runs the window until it closes.
pub fn run() -> ExitCode {
    if !has_display() {
        eprintln!(
            "sangam-desktop: no display to open a window on; on a headless laptop run `sangam serve` to keep the co-op in sync"
        );
        return ExitCode::FAILURE;
    }
    let Some(dir) = home_dir() else {
        eprintln!("sangam-desktop: no data directory on this system; pass --home DIR");
        return ExitCode::FAILURE;
    };
    let home = match Home::open(&dir) {
        Ok(home) => home,
        Err(e) => {
            eprintln!(
                "sangam-desktop: cannot open the home {}: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let link = opened_link();
    #[cfg(unix)]
    let first = match one_window::claim(&dir, link.as_deref()) {
        Ok(one_window::Claim::First(first)) => first,
        Ok(one_window::Claim::Shown) => {
            println!(
                "Sangam is already open on {}: its window is in front now.",
                dir.display()
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "sangam-desktop: cannot tell whether a window is open on {} already: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let app = App {
        serving: Serving::new(home.clone()),
        home,
        opened_link: std::sync::Mutex::new(link),
        tray: std::sync::OnceLock::new(),
    };
    let built = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::handler())
        .setup(|tauri_app| {
            use tauri::Manager;
            let state = tauri_app.state::<App>();
            events::forward(tauri_app.handle().clone(), state.home.subscribe());
            // A home that holds a co-op serves from the first second the window shows.
            state.serving.ensure(tauri_app.handle());
            if let Some(tray) = tray::add(tauri_app.handle()) {
                let _ = state.tray.set(tray);
            }
            #[cfg(unix)]
            {
                let handle = tauri_app.handle().clone();
                first.listen(move |link| {
                    use tauri::Emitter;
                    tray::show_window(&handle);
                    if let Some(link) = link {
                        let _ = handle.emit(OPEN_LINK_EVENT, link);
                    }
                });
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            use tauri::Manager;
            // Closed while serving, the window only hides: the laptop goes on syncing
            // for the room, and the tray (or launching Sangam again) brings it back.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && window.state::<App>().keeps_serving_when_closed()
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .manage(app)
        .build(tauri::generate_context!());
    let tauri_app = match built {
        Ok(app) => app,
        Err(e) => {
            eprintln!("sangam-desktop: cannot open the window: {e}");
            return ExitCode::FAILURE;
        }
    };
    tauri_app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            use tauri::Manager;
            // Close the endpoint cleanly, so peers see this laptop leave at once.
            handle.state::<App>().serving.stop();
        }
    });
    ExitCode::SUCCESS
}
