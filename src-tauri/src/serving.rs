//! Serving while the window is open: the home syncs live with the co-op's other
//! laptops, on the LAN with no internet and through relays otherwise. It starts as soon
//! as the home holds a co-op (at launch, or right after one is founded or joined).

use std::sync::Mutex;
use std::time::Duration;

use sangam_core::{Home, ServeOptions};
use tokio::sync::oneshot;

/// How long closing the window waits for the endpoint to say goodbye to its peers.
const GOODBYE: Duration = Duration::from_secs(2);

/// Tells the window the home serves now, so it shows so (and invites can be made).
fn serving_now(app: &tauri::AppHandle) {
    use tauri::Emitter;
    let started = sangam_core::Event::Activity {
        activity: sangam_core::Activity::Serving,
    };
    let _ = app.emit(crate::events::EVENT, &started);
}

/// The home's serving task, started at most once.
pub struct Serving {
    home: Home,
    running: Mutex<Option<Running>>,
}

struct Running {
    stop: oneshot::Sender<()>,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl Serving {
    /// Not serving yet.
    pub fn new(home: Home) -> Self {
        Self {
            home,
            running: Mutex::new(None),
        }
    }

    /// Whether the home serves now.
    pub fn is_running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    }

    /// Starts serving if the home holds a co-op and does not serve yet.
    pub fn ensure(&self, app: &tauri::AppHandle) {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if running.is_some() {
            return;
        }
        let Some(coop) = self
            .home
            .coops()
            .ok()
            .and_then(|coops| coops.into_iter().next())
        else {
            return;
        };
        let Ok(coop) = coop.id.parse() else {
            return;
        };
        let (stop, stopped) = oneshot::channel();
        let home = self.home.clone();
        let app = app.clone();
        let announce = app.clone();
        let task = tauri::async_runtime::spawn(async move {
            let options = ServeOptions {
                coop,
                bind: None,
                peers: Vec::new(),
                relays: None,
            };
            let served = home
                .run_serve(options, |_| serving_now(&announce), |_| {}, async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                // The window hears it as a notice; the member can still work offline.
                use tauri::Emitter;
                let notice = sangam_core::Event::Notice {
                    notice: sangam_core::Notice::CannotServe { error: e.message },
                };
                let _ = app.emit(crate::events::EVENT, &notice);
            }
        });
        *running = Some(Running { stop, task });
    }

    /// Stops serving and waits a moment for the endpoint to close.
    pub fn stop(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(Running { stop, task }) = running {
            let _ = stop.send(());
            tauri::async_runtime::block_on(async {
                let _ = tokio::time::timeout(GOODBYE, task).await;
            });
        }
    }
}
