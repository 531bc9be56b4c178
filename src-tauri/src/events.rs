//! The core's event stream, forwarded to the window as one typed Tauri event,
//! `sangam://event`, whose payload is the core's `Event` (its TypeScript twin is in
//! `ui/src/lib/ipc/bindings/Event.ts`).

use sangam_core::Event;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::{self, error::RecvError};

/// The Tauri event name the window listens to.
pub const EVENT: &str = "sangam://event";

/// Forwards every event from `events` to the window until the home closes.
pub fn forward(app: AppHandle, mut events: broadcast::Receiver<Event>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                // The window missed some: it hears so and reloads what it shows.
                Err(RecvError::Lagged(missed)) => Event::Notice {
                    notice: sangam_core::Notice::Reloaded { missed },
                },
                Err(RecvError::Closed) => break,
            };
            if app.emit(EVENT, &event).is_err() {
                break;
            }
        }
    });
}
