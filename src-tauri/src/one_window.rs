//! One window per home: a second launch on a home whose window is open brings that window
//! to the front and exits, as members expect of a desktop app (two windows on one home
//! would each serve, and show each other's writes only after a while).
//!
//! The first window holds a lock on `window.lock` in the home for as long as it runs, and
//! listens on `window.sock` beside it. A later launch that cannot take the lock connects
//! to the socket, asks the window to show itself, and exits. The lock, not the socket,
//! decides who is first: it is let go when the process ends however it ends, so a window
//! that crashed leaves nothing that stops the next one. Homes are independent: a window on
//! another home opens beside this one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

const LOCK: &str = "window.lock";
const SOCKET: &str = "window.sock";
/// What a second launch says (`show`, or `open` and the `sangam:` link it was started
/// with), and what the first answers once its window is shown.
const SHOW: &str = "show";
const OPEN: &str = "open ";
const SHOWN: &str = "shown";
/// How long a second launch waits for the first to listen (it may have just started).
const CONNECT_WAIT: Duration = Duration::from_secs(5);

/// Whether this launch is the home's window.
pub enum Claim {
    /// It is: keep this while the window runs, and [`First::listen`].
    First(First),
    /// The home's window was open, and has been asked to come to the front.
    Shown,
}

/// The first window's hold on its home.
pub struct First {
    _lock: File,
    listener: UnixListener,
}

/// Claims `home` for this launch's window; a later launch hands the open window `link`
/// (a `sangam:` link it was started with), if any.
pub fn claim(home: &Path, link: Option<&str>) -> io::Result<Claim> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(home.join(LOCK))?;
    match lock.try_lock() {
        Ok(()) => {
            let socket = home.join(SOCKET);
            // Left by a window that ended without tidying up: the lock says it is gone.
            match std::fs::remove_file(&socket) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let listener = UnixListener::bind(&socket)?;
            Ok(Claim::First(First {
                _lock: lock,
                listener,
            }))
        }
        Err(TryLockError::WouldBlock) => {
            ask_to_show(&home.join(SOCKET), link).map(|()| Claim::Shown)
        }
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Asks the window listening on `socket` to come to the front (and open `link`), waiting
/// for it to listen.
fn ask_to_show(socket: &Path, link: Option<&str>) -> io::Result<()> {
    let started = Instant::now();
    let mut stream = loop {
        match UnixStream::connect(socket) {
            Ok(stream) => break stream,
            Err(e) if started.elapsed() >= CONNECT_WAIT => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    stream.set_read_timeout(Some(CONNECT_WAIT))?;
    match link {
        // One line: a link is a ticket, with no line breaks in it.
        Some(link) => writeln!(stream, "{OPEN}{}", link.replace(['\n', '\r'], ""))?,
        None => writeln!(stream, "{SHOW}")?,
    }
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    if answer.trim() == SHOWN {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "the open window answered {:?}",
            answer.trim()
        )))
    }
}

impl First {
    /// Answers later launches on a thread of its own for as long as the process runs,
    /// calling `show` for each, with the link it was started with, if any.
    pub fn listen(self, show: impl Fn(Option<String>) + Send + 'static) {
        std::thread::spawn(move || {
            let _hold = self._lock;
            for stream in self.listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(CONNECT_WAIT));
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let asked = line.trim();
                let link = asked
                    .strip_prefix(OPEN.trim_end())
                    .map(|l| l.trim().to_owned());
                if asked == SHOW || link.is_some() {
                    show(link);
                    let _ = writeln!(&stream, "{SHOWN}");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_second_launch_shows_the_first_and_another_home_opens_beside_it() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, other) = (dir.path().join("asha"), dir.path().join("bo"));
        std::fs::create_dir_all(&home).expect("home");
        std::fs::create_dir_all(&other).expect("other");
        let Claim::First(first) = claim(&home, None).expect("claims") else {
            panic!("the first launch is the window");
        };
        let shown = Arc::new(AtomicUsize::new(0));
        let counted = shown.clone();
        let links = Arc::new(std::sync::Mutex::new(Vec::new()));
        let heard = links.clone();
        first.listen(move |link| {
            counted.fetch_add(1, Ordering::SeqCst);
            heard.lock().expect("links").push(link);
        });
        for expected in 1..=2 {
            assert!(matches!(claim(&home, None).expect("asks"), Claim::Shown));
            assert_eq!(shown.load(Ordering::SeqCst), expected);
        }
        // A launch from a `sangam:` link hands the link to the open window.
        assert!(matches!(
            claim(&home, Some("sangam:SANGAM1ABC")).expect("asks"),
            Claim::Shown
        ));
        assert_eq!(
            *links.lock().expect("links"),
            vec![None, None, Some("sangam:SANGAM1ABC".to_owned())]
        );
        assert!(matches!(
            claim(&other, None).expect("claims"),
            Claim::First(_)
        ));
    }

    #[test]
    fn a_socket_left_by_a_window_that_ended_does_not_stop_the_next() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let home = dir.path().to_path_buf();
        // A window that ended: its socket is there, its lock is not held.
        drop(UnixListener::bind(home.join(SOCKET)).expect("a stale socket"));
        assert!(home.join(SOCKET).exists());
        assert!(matches!(
            claim(&home, None).expect("claims"),
            Claim::First(_)
        ));
    }
}
