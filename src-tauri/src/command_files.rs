//! The files generated from the list of commands in `commands.rs`, so a command is written
//! once: the window's TypeScript client (`ui/src/lib/ipc/commands.ts`), the window's
//! capability (`capabilities/main.json`: one permission per command and nothing else of
//! Sangam's), and the names build.rs declares (`src/command_names.rs`). A test compares
//! them with what the list gives today; `make commands` writes them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::commands::Signature;

/// Types the shell itself declares (core's are in the bindings folder).
fn local_types() -> Vec<(&'static str, String)> {
    use ts_rs::TS;
    let cfg = ts_rs::Config::new().with_large_int("number");
    vec![("TrayTexts", crate::tray::TrayTexts::decl(&cfg))]
}

/// What the window may call besides Sangam's own commands: listening to the home's
/// events, and the notification plugin's three calls.
const OTHER_PERMISSIONS: &[&str] = &[
    "core:event:allow-listen",
    "core:event:allow-unlisten",
    "notification:allow-is-permission-granted",
    "notification:allow-request-permission",
    "notification:allow-notify",
];

/// `snake_case` as `camelCase`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The named types a TypeScript type mentions (`Array<PeerDto>` mentions `PeerDto`).
fn named_types(ts: &str) -> impl Iterator<Item = &str> {
    ts.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter(|word| !matches!(*word, "Array" | "Record" | "Partial"))
}

/// `ui/src/lib/ipc/commands.ts`, given which types the bindings folder holds.
fn typescript(signatures: &[Signature], bound: &dyn Fn(&str) -> bool) -> String {
    let locals = local_types();
    let mut imports = BTreeSet::new();
    for s in signatures {
        for ts in s.args.iter().map(|(_, ts)| ts).chain([&s.answer]) {
            for name in named_types(ts) {
                if locals.iter().any(|(local, _)| *local == name) {
                    continue;
                }
                assert!(
                    bound(name),
                    "{}: {name} is neither in the bindings folder nor declared by the shell",
                    s.name
                );
                imports.insert(name.to_owned());
            }
        }
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/commands.rs by `make commands`: do not edit. One typed\n\
         // function per window command; arguments go by their Rust names.\n\
         import { call } from \"./call\";\n",
    );
    for name in &imports {
        out.push_str(&format!(
            "import type {{ {name} }} from \"./bindings/{name}\";\n"
        ));
    }
    for (_, decl) in &locals {
        let decl: Vec<&str> = decl.lines().map(str::trim_end).collect();
        out.push_str(&format!("\nexport {}\n", decl.join("\n")));
    }
    for s in signatures {
        out.push('\n');
        let doc: Vec<&str> = s.doc.iter().map(|line| line.trim()).collect();
        if !doc.is_empty() {
            out.push_str(&format!("/** {} */\n", doc.join(" ")));
        }
        let params: Vec<String> = s
            .args
            .iter()
            .map(|(name, ts)| format!("{}: {ts}", camel(name)))
            .collect();
        let fields: Vec<String> = s
            .args
            .iter()
            .map(|(name, _)| match camel(name) {
                same if same == *name => same,
                other => format!("{name}: {other}"),
            })
            .collect();
        out.push_str(&format!(
            "export const {} = ({}) =>\n  call<{}>(\"{}\", {{ {} }});\n",
            camel(s.name),
            params.join(", "),
            s.answer,
            s.name,
            fields.join(", "),
        ));
    }
    out.replace("{  }", "{}")
}

/// `capabilities/main.json`.
fn capability(signatures: &[Signature]) -> String {
    let permissions: Vec<String> = OTHER_PERMISSIONS
        .iter()
        .map(|p| (*p).to_owned())
        .chain(
            signatures
                .iter()
                .map(|s| format!("allow-{}", s.name.replace('_', "-"))),
        )
        .collect();
    let file = serde_json::json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "main-window",
        "description": "Generated from src/commands.rs by `make commands`: what the main window may call, which is Sangam's own commands, listening to its events, and desktop notifications; nothing else.",
        "windows": ["main"],
        "permissions": permissions,
    });
    let mut text = serde_json::to_string_pretty(&file).expect("JSON");
    text.push('\n');
    text
}

/// `src/command_names.rs`, which build.rs includes.
fn names(signatures: &[Signature]) -> String {
    let mut out = String::from(
        "// Generated from commands.rs by `make commands`: do not edit. Included by build.rs as\n\
         // well as the crate.\n\
         \n\
         /// Every command `commands.rs` registers, each with its own permission: a command\n\
         /// missing here is refused at run time, never silently allowed.\n\
         pub const COMMANDS: &[&str] = &[\n",
    );
    for s in signatures {
        out.push_str(&format!("    \"{}\",\n", s.name));
    }
    out.push_str("];\n");
    out
}

/// Each generated file with what it should hold today.
pub(crate) fn generated(root: &Path) -> Vec<(PathBuf, String)> {
    let signatures = crate::commands::signatures();
    let bindings = root.join("ui/src/lib/ipc/bindings");
    let bound = |name: &str| bindings.join(format!("{name}.ts")).is_file();
    vec![
        (
            root.join("ui/src/lib/ipc/commands.ts"),
            typescript(&signatures, &bound),
        ),
        (
            root.join("src-tauri/capabilities/main.json"),
            capability(&signatures),
        ),
        (
            root.join("src-tauri/src/command_names.rs"),
            names(&signatures),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client, the capability and build.rs's names are those of today's list.
    #[test]
    fn the_generated_command_files_match_the_list() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let write = std::env::var_os("SANGAM_WRITE_COMMANDS").is_some();
        let mut stale = Vec::new();
        for (path, wanted) in generated(&root) {
            if std::fs::read_to_string(&path).ok().as_deref() == Some(wanted.as_str()) {
                continue;
            }
            if write {
                std::fs::write(&path, wanted).expect("writes the generated file");
            }
            stale.push(path);
        }
        assert!(
            write || stale.is_empty(),
            "stale generated files (run `make commands` and commit them): {stale:?}"
        );
    }

    #[test]
    fn every_command_is_in_every_file_once() {
        let signatures = crate::commands::signatures();
        let mut seen = BTreeSet::new();
        for s in &signatures {
            assert!(seen.insert(s.name), "{} is listed twice", s.name);
        }
        let ts = typescript(&signatures, &|_| true);
        let capability = capability(&signatures);
        for s in &signatures {
            assert_eq!(
                ts.matches(&format!("call<{}>(\"{}\",", s.answer, s.name))
                    .count(),
                1
            );
            let permission = format!("\"allow-{}\"", s.name.replace('_', "-"));
            assert_eq!(capability.matches(&permission).count(), 1, "{permission}");
        }
        assert_eq!(crate::COMMANDS.len(), signatures.len());
    }

    #[test]
    fn names_and_arguments_are_written_as_typescript_writes_them() {
        assert_eq!(camel("import_bank_csv"), "importBankCsv");
        assert_eq!(camel("coop"), "coop");
        let signatures = vec![Signature {
            name: "import_bank_csv",
            doc: vec![" Reads the statement,", " then posts."],
            args: vec![("coop", "string".into()), ("dry_run", "boolean".into())],
            answer: "Array<BankImportDto>".into(),
        }];
        let ts = typescript(&signatures, &|name| name == "BankImportDto");
        assert!(ts.contains("import type { BankImportDto } from \"./bindings/BankImportDto\";"));
        assert!(ts.contains(
            "/** Reads the statement, then posts. */\nexport const importBankCsv = (coop: string, dryRun: boolean) =>\n  call<Array<BankImportDto>>(\"import_bank_csv\", { coop, dry_run: dryRun });\n"
        ));
    }
}
