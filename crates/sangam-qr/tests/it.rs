//! A ticket drawn as a picture reads back as the same ticket; what is not a code says so.

const TICKET: &str = "sangam1endpointaaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999\
aaaabbbbccccddddeeeeffff000011112222333344445555666677778888999900001111222233334444";

#[test]
fn a_ticket_drawn_as_a_picture_reads_back() {
    let picture = sangam_qr::png(TICKET, 4).expect("a ticket fits a code");
    assert_eq!(sangam_qr::read(&picture).as_deref(), Ok(TICKET));
}

#[test]
fn a_blank_picture_has_no_code() {
    let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
    let mut png = std::io::Cursor::new(Vec::new());
    blank
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("encodes");
    assert_eq!(
        sangam_qr::read(&png.into_inner()),
        Err(sangam_qr::QrError::NoCode)
    );
}

#[test]
fn a_file_that_is_not_a_picture_is_named_as_such() {
    let err = sangam_qr::read(b"sangam bundle, not a picture").expect_err("not a picture");
    assert!(matches!(err, sangam_qr::QrError::NotAPicture(_)), "{err:?}");
}

#[test]
fn the_svg_is_a_document_of_dark_modules() {
    let svg = sangam_qr::svg(TICKET).expect("fits");
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("<path"), "{svg}");
}

#[test]
fn text_beyond_a_codes_capacity_is_refused() {
    let long = "x".repeat(8000);
    assert_eq!(
        sangam_qr::svg(&long),
        Err(sangam_qr::QrError::TooLong(8000))
    );
}
