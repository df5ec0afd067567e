//! Decoding of extracted files into text, recording what the bytes were.
//!
//! Extractions arrive as UTF-8 (with or without a byte-order mark), UTF-16 from some
//! Windows tools, or Windows-1252 from older clients with Spanish comments. Decoding
//! never drops or replaces a character: bytes that are not valid UTF-8 are read as
//! Windows-1252, which maps every byte to a character. This module does not guess
//! among other single-byte code pages; Latin-1 text is a subset of Windows-1252.

use serde::{Deserialize, Serialize};

/// How the bytes of a file were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// A file's text with what was learnt while decoding it.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    pub crlf: bool,
}

/// Decodes `bytes`; a byte-order mark decides first, then UTF-8 validity.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (text, encoding) = decode_text(bytes);
    let crlf = text.contains("\r\n");
    Decoded { text, encoding, crlf }
}

fn decode_text(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Ok(text) = std::str::from_utf8(rest) {
            return (text.to_owned(), Encoding::Utf8Bom);
        }
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes[2..]);
        return (text.into_owned(), Encoding::Utf16Le);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(&bytes[2..]);
        return (text.into_owned(), Encoding::Utf16Be);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), Encoding::Utf8);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    (text.into_owned(), Encoding::Windows1252)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_spanish_comment_keeps_every_character() {
        let decoded = decode(b"-- A\xF1o de facturaci\xF3n \x80\n");
        assert_eq!(decoded.encoding, Encoding::Windows1252);
        assert_eq!(decoded.text, "-- Año de facturación €\n");
    }

    #[test]
    fn bom_is_recorded_and_removed() {
        let decoded = decode("\u{feff}SELECT 1 FROM dual;\r\n".as_bytes());
        assert_eq!(decoded.encoding, Encoding::Utf8Bom);
        assert!(decoded.text.starts_with("SELECT"));
        assert!(decoded.crlf);
    }

    #[test]
    fn utf16_le_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("ñ;".encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, Encoding::Utf16Le);
        assert_eq!(decoded.text, "ñ;");
    }
}
