//! The QR code of an invite ticket: drawn in Unicode half blocks for a terminal, as SVG
//! for the window, and read back from a saved picture (a screenshot or a phone photo of
//! the inviter's screen), so a newcomer can join without retyping a long ticket.

#![deny(missing_docs)]

use qrcode::QrCode;

/// Why a picture gave no ticket, or a ticket no code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QrError {
    /// The text is longer than a QR code holds.
    #[error("the text is too long for a QR code ({0} bytes)")]
    TooLong(usize),
    /// The file is not a PNG or JPEG picture.
    #[error("the file is not a picture Sangam can read (PNG or JPEG): {0}")]
    NotAPicture(String),
    /// The picture holds no readable QR code.
    #[error("no QR code could be read in the picture: try a sharper or larger one")]
    NoCode,
    /// The code holds something other than text.
    #[error("the QR code does not hold text")]
    NotText,
}

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::new(text.as_bytes()).map_err(|_| QrError::TooLong(text.len()))
}

/// The code drawn with Unicode half blocks, light on dark so that phones read it from a
/// dark terminal as well as a light one.
pub fn terminal(text: &str) -> Result<String, QrError> {
    use qrcode::render::unicode::Dense1x2;
    Ok(code(text)?
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// The code as an SVG document, dark on light with its quiet zone, sized by the viewer.
pub fn svg(text: &str) -> Result<String, QrError> {
    use qrcode::render::svg;
    Ok(code(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// The code as a greyscale PNG, `scale` pixels a module (for saving or sending).
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>, QrError> {
    let picture = code(text)?
        .render::<image::Luma<u8>>()
        .module_dimensions(scale, scale)
        .quiet_zone(true)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| QrError::NotAPicture(e.to_string()))?;
    Ok(out.into_inner())
}

/// The text of the first QR code found in a PNG or JPEG picture.
pub fn read(picture: &[u8]) -> Result<String, QrError> {
    let picture = image::load_from_memory(picture)
        .map_err(|e| QrError::NotAPicture(e.to_string()))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    for grid in prepared.detect_grids() {
        if let Ok((_, content)) = grid.decode() {
            return Ok(content);
        }
    }
    // A grid was found but none decoded as text, or none was found at all: the member
    // needs a better picture either way.
    Err(QrError::NoCode)
}
