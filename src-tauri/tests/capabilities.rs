//! The window may call Sangam's own commands, listen to its events and show desktop
//! notifications, and nothing else: its capability names exactly one permission per
//! command, plus event listening and the three notification calls a reminder needs.

#[test]
fn the_window_is_allowed_exactly_its_commands_and_events() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/capabilities/main.json"
    ))
    .expect("the capability file");
    let capability: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .map(|p| p.as_str().expect("plain identifiers").to_owned())
        .collect();
    granted.sort();
    let mut wanted: Vec<String> = sangam_desktop::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain([
            "core:event:allow-listen".into(),
            "core:event:allow-unlisten".into(),
            "notification:allow-is-permission-granted".into(),
            "notification:allow-request-permission".into(),
            "notification:allow-notify".into(),
        ])
        .collect();
    wanted.sort();
    assert_eq!(granted, wanted);
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
}
