//! Reading a member's files (bundles, `--since` bundles, proposal texts, later reports and
//! CSV statements) with their size checked before their bytes are read: a file is read
//! only if it is a regular file no larger than its cap, and never past cap + 1 bytes (a
//! file growing while read cannot slip past). Devices, pipes and directories are refused.

use std::io::Read;
use std::path::Path;

use crate::ApiError;
use crate::problem::{ProblemKey, Thing, problem};

/// Most bytes a bundle file may hold (the bundle format's own cap).
pub const MAX_BUNDLE_FILE: u64 = sangam_replica::MAX_BUNDLE_BYTES as u64;

/// Most bytes a proposal text file may hold: the 20,000-character rule at up to four
/// bytes a character, and some room.
pub const MAX_TEXT_FILE: u64 = 96 * 1024;

/// The largest BLT ballot file `sangam election count` reads: a million ballots of 30
/// candidates each, with room (the largest published election tested is 45 KB).
pub const MAX_BALLOT_FILE: u64 = 128 << 20;

/// Most bytes a bank statement may hold: years of a busy account's rows, far from what
/// would exhaust a laptop's memory.
pub const MAX_STATEMENT_FILE: u64 = 32 << 20;

/// Most bytes a statement's rules file may hold.
pub const MAX_RULES_FILE: u64 = 256 * 1024;

/// Most bytes a signed vote report may hold (the report format's own cap).
pub const MAX_REPORT_FILE: u64 = sangam_model::report::MAX_REPORT_BYTES as u64;

/// Where a home lives when none is named: `sangam` in the user's data directory
/// (`~/.local/share/sangam` on Linux). `None` on a system with no data directory.
pub fn default_home() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|base| base.join("sangam"))
}

/// Reads the file at `path`, refusing anything but a regular file of at most `cap` bytes.
/// `what` names the file in messages ("the bundle", "the text file").
pub fn read_capped(path: &Path, cap: u64, what: Thing) -> Result<Vec<u8>, ApiError> {
    let (file, len) = open_capped(path, cap, what)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(path, what, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, what, bytes.len() as u64, cap));
    }
    Ok(bytes)
}

/// The file at `path` opened, with its length, if it is a regular file of at most `cap`
/// bytes; else why not, before anything is read.
fn open_capped(path: &Path, cap: u64, what: Thing) -> Result<(std::fs::File, u64), ApiError> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, what, e))?;
    let meta = file.metadata().map_err(|e| cannot_read(path, what, e))?;
    if !meta.is_file() {
        return Err(problem(ProblemKey::NotARegularFile)
            .about(what)
            .with("path", path.display())
            .into());
    }
    if meta.len() > cap {
        return Err(too_large(path, what, meta.len(), cap));
    }
    Ok((file, meta.len()))
}

fn cannot_read(path: &Path, what: Thing, e: std::io::Error) -> ApiError {
    problem(ProblemKey::CannotRead)
        .about(what)
        .with("path", path.display())
        .with("detail", e)
        .into()
}

fn too_large(path: &Path, what: Thing, size: u64, cap: u64) -> ApiError {
    problem(ProblemKey::FileTooLarge)
        .about(what)
        .with("path", path.display())
        .with("size", size)
        .with("cap", cap)
        .into()
}

/// A file read as it is needed (a bank statement), refused unless it is a regular file of
/// at most `cap` bytes: checked at every opening, and a file that grows past `cap` while it
/// is read gives an error there instead of more bytes.
#[derive(Debug, Clone, Copy)]
pub struct CappedFile<'a> {
    /// Where it is.
    pub path: &'a Path,
    /// The most bytes read from it.
    pub cap: u64,
    /// What it is, for messages ("the statement").
    pub what: Thing,
}

impl CappedFile<'_> {
    /// A reader from the file's start.
    pub fn reader(&self) -> Result<impl Read + use<'_>, ApiError> {
        let (file, _) = open_capped(self.path, self.cap, self.what)?;
        let cap = self.cap;
        Ok(Capped {
            inner: std::io::BufReader::new(file).take(cap.saturating_add(1)),
            read: 0,
            cap,
        })
    }
}

/// A reader that fails once more than `cap` bytes came through it.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.read += n as u64;
        if self.read > self.cap {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "it grew past the {} bytes allowed while it was read",
                    self.cap
                ),
            ));
        }
        Ok(n)
    }
}

/// Like [`read_capped`], for text that must be UTF-8.
pub fn read_text_capped(path: &Path, cap: u64, what: Thing) -> Result<String, ApiError> {
    String::from_utf8(read_capped(path, cap, what)?).map_err(|_| {
        problem(ProblemKey::NotText)
            .about(what)
            .with("path", path.display())
            .into()
    })
}

/// Writes `bytes` to `path` so that a reader sees the old file or the whole new one, never
/// a part: into a temporary file beside it, synced, then renamed over it. Only a regular
/// file (or nothing) is ever replaced: a symbolic link, a pipe, a device or a directory at
/// `path` is refused with what it is, and left as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    use std::io::Write;
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let kind = meta.file_type();
        let over = |what: Thing| -> Result<(), ApiError> {
            Err(problem(ProblemKey::WriteOverNonFile)
                .about(what)
                .with("path", &shown)
                .into())
        };
        if kind.is_symlink() {
            return match std::fs::read_link(path) {
                Ok(to) => Err(problem(ProblemKey::WriteOverLink)
                    .with("path", &shown)
                    .with("to", to.display())
                    .into()),
                Err(_) => over(Thing::SymbolicLink),
            };
        } else if kind.is_dir() {
            return over(Thing::Directory);
        } else if !kind.is_file() {
            return over(Thing::Device);
        }
    }
    let cannot = |e: std::io::Error| -> ApiError {
        problem(ProblemKey::CannotWrite)
            .with("path", &shown)
            .with("detail", e)
            .into()
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| ApiError::from(problem(ProblemKey::NoFileName).with("path", &shown)))?;
    let tmp = dir.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename itself is durable only once the directory is.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(cannot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_is_ever_replaced() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let target = dir.path().join("target");
        std::fs::write(&target, b"kept").expect("write");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        for (path, what) in [
            (&link, "a symbolic link to"),
            (&fifo, "a device, pipe or socket"),
            (&dir.path().to_path_buf(), "a directory"),
        ] {
            let err = write_atomically(path, b"new").expect_err("refused");
            assert!(err.message.contains(what), "{}", err.message);
        }
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "the link is still a link"
        );
        assert_eq!(std::fs::read(&target).expect("read"), b"kept");
        let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
        assert!(!kind.is_file(), "the pipe is still a pipe");
        write_atomically(&target, b"new").expect("a regular file is replaced");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        let fresh = dir.path().join("fresh");
        write_atomically(&fresh, b"made").expect("a new file is made");
        assert_eq!(std::fs::read(&fresh).expect("read"), b"made");
    }

    #[test]
    fn devices_and_oversized_files_are_refused_before_reading() {
        let dev = read_capped(Path::new("/dev/zero"), 1024, Thing::Bundle).expect_err("device");
        assert!(
            dev.message.contains("not a regular file"),
            "{}",
            dev.message
        );
        let dir = tempfile::TempDir::new().expect("tmp");
        let big = dir.path().join("big");
        let file = std::fs::File::create(&big).expect("create");
        // A sparse file: large by its metadata, no bytes written.
        file.set_len(10 << 30).expect("sparse");
        let err = read_capped(&big, 1024, Thing::Bundle).expect_err("too large");
        assert!(
            err.message.contains("more than the 1024 allowed"),
            "{}",
            err.message
        );
        let small = dir.path().join("small");
        std::fs::write(&small, b"hello").expect("write");
        assert_eq!(
            read_capped(&small, 5, Thing::Bundle).expect("fits"),
            b"hello"
        );
        assert!(read_capped(&small, 4, Thing::Bundle).is_err());
        std::fs::write(&small, [0xff, 0xfe]).expect("write");
        assert!(read_text_capped(&small, 5, Thing::Bundle).is_err());
    }
}
