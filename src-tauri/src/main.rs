//! `sangam-desktop`: the window a member opens at a meetup.

// No console window on Windows builds; the app has its own.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    sangam_desktop::run()
}
