//! A statement's CRLF line ends read as LF, as the statement streams in.

/// CRLF line ends read as LF: the CSV reader counts a CRLF statement's lines wrong (one
/// too low a line), and a row's line number is how a member finds it.
pub(super) struct LineFeeds<R> {
    inner: R,
    buf: Box<[u8]>,
    at: usize,
    len: usize,
    /// A `\r` read and not yet given out: dropped if a `\n` follows.
    cr: bool,
}

impl<R: std::io::Read> LineFeeds<R> {
    pub(super) fn new(inner: R) -> Self {
        Self::with_buffer(inner, 64 << 10)
    }

    fn with_buffer(inner: R, size: usize) -> Self {
        Self {
            inner,
            buf: vec![0; size.max(1)].into_boxed_slice(),
            at: 0,
            len: 0,
            cr: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for LineFeeds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            if self.at == self.len {
                if written > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.at = 0;
                if self.len == 0 {
                    if std::mem::take(&mut self.cr) {
                        out[0] = b'\r';
                        return Ok(1);
                    }
                    return Ok(0);
                }
            }
            let byte = self.buf[self.at];
            self.at += 1;
            if std::mem::take(&mut self.cr) && byte != b'\n' {
                out[written] = b'\r';
                written += 1;
                if written == out.len() {
                    // No room for this byte: read it again next time.
                    self.at -= 1;
                    break;
                }
            }
            if byte == b'\r' {
                self.cr = true;
                continue;
            }
            out[written] = byte;
            written += 1;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the text and however it is cut into reads, CRLF comes out as LF and
        /// every other byte as it was.
    #[test]
        fn line_feeds_turn_crlf_into_lf_and_leave_the_rest(
            text in proptest::collection::vec(proptest::sample::select(vec![b'\r', b'\n', b'a', b'"']), 0..64),
            buffer in 1usize..8,
            chunk in 1usize..8,
        ) {
            use std::io::Read;
            let mut reader = LineFeeds::with_buffer(text.as_slice(), buffer);
            let mut out = Vec::new();
            let mut piece = vec![0u8; chunk];
            loop {
                let n = reader.read(&mut piece).expect("reads");
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&piece[..n]);
            }
            let expected = String::from_utf8(text.clone()).expect("ascii").replace("\r\n", "\n");
            proptest::prop_assert_eq!(String::from_utf8(out).expect("ascii"), expected);
        }
    }
}
