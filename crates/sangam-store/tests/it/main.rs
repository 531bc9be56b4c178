//! The store's integration tests: homes on disk as earlier builds wrote them, read and
//! written through the public API.

mod old_homes;

use std::path::{Path, PathBuf};

/// A temp dir and the path of a home file inside it (created on first open).
fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().expect("tmp");
    let path = dir.path().join("home.sqlite3");
    (dir, path)
}

/// Loads an SQL script (a fixture home) into a new home file at `path`.
fn load(path: &Path, script: &str) {
    rusqlite::Connection::open(path)
        .expect("raw")
        .execute_batch(script)
        .expect("fixture");
}

/// Every table's schema and rows as an SQL script (tables in schema order, rows sorted),
/// ending with the schema version.
fn dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("raw");
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        .expect("schema");
    let objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("schema")
        .map(|r| r.expect("schema row"))
        .collect();
    for (_, _, sql) in &objects {
        writeln!(out, "{sql};").expect("write");
    }
    for (kind, name, _) in &objects {
        if kind != "table" {
            continue;
        }
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{name}\""))
            .expect("rows");
        let width = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut values = Vec::new();
                for i in 0..width {
                    values.push(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(t) => {
                            format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''"))
                        }
                        rusqlite::types::ValueRef::Blob(b) => {
                            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                            format!("X'{hex}'")
                        }
                    });
                }
                Ok(format!(
                    "INSERT INTO {name} VALUES ({});",
                    values.join(", ")
                ))
            })
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        rows.sort();
        for row in rows {
            writeln!(out, "{row}").expect("write");
        }
    }
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    writeln!(out, "PRAGMA user_version = {version};").expect("write");
    out
}

/// The schema objects of the home at `path`, in the order they were made.
fn schema_of(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    rusqlite::Connection::open(path)
        .expect("raw")
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
        .expect("schema")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("schema")
        .map(|r| r.expect("schema row"))
        .collect()
}
