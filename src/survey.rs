//! Satisfaction survey links (`/avis/{token}`): the token is the inquiry id and an HMAC-SHA256 over
//! it, so a link cannot be forged or pointed at another inquiry, and no login is needed. Pure.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::inquiry::InquiryId;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a survey token (128 bits).
const TOKEN_MAC_BYTES: usize = 16;

/// HMAC-SHA256 of `data` under `secret`, domain-separated by `purpose`.
pub fn mac(secret: &[u8], purpose: &str, data: &[u8]) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    m.update(purpose.as_bytes());
    m.update(b"\0");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The survey token of an inquiry: `{id}-{hex MAC}`.
pub fn survey_token(secret: &[u8], inquiry: InquiryId) -> String {
    let m = mac(secret, "survey", inquiry.0.to_string().as_bytes());
    format!("{}-{}", inquiry.0, hex::encode(&m[..TOKEN_MAC_BYTES]))
}

/// The inquiry a token was made for, or `None` for a forged or malformed token.
pub fn verify_survey_token(secret: &[u8], token: &str) -> Option<InquiryId> {
    let (id, sig) = token.split_once('-')?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id: i64 = id.parse().ok().filter(|n| *n > 0)?;
    let given = hex::decode(sig).ok()?;
    let expected = mac(secret, "survey", id.to_string().as_bytes());
    constant_time_eq(&given, &expected[..TOKEN_MAC_BYTES]).then_some(InquiryId(id))
}

/// The public survey link of an inquiry: `{base_url}/avis/{token}`.
pub fn survey_link(base_url: &str, secret: &[u8], inquiry: InquiryId) -> String {
    format!(
        "{}/avis/{}",
        base_url.trim_end_matches('/'),
        survey_token(secret, inquiry)
    )
}

/// What the pipeline needs to put a survey link in replies.
#[derive(Clone)]
pub struct SurveyLinks {
    pub base_url: String,
    pub secret: Arc<[u8]>,
}

impl std::fmt::Debug for SurveyLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SurveyLinks")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl SurveyLinks {
    pub fn link(&self, inquiry: InquiryId) -> String {
        survey_link(&self.base_url, &self.secret, inquiry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_forgeries_fail() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let token = survey_token(secret, InquiryId(42));
        assert!(token.starts_with("42-"));
        assert_eq!(verify_survey_token(secret, &token), Some(InquiryId(42)));
        // Another inquiry with the same MAC, another key, a truncated MAC, junk.
        let other = token.replacen("42-", "43-", 1);
        assert_eq!(verify_survey_token(secret, &other), None);
        assert_eq!(verify_survey_token(b"another key", &token), None);
        assert_eq!(verify_survey_token(secret, &token[..token.len() - 2]), None);
        assert_eq!(verify_survey_token(secret, "x-00"), None);
        assert_eq!(verify_survey_token(secret, "-1-00"), None);
    }

    #[test]
    fn links_join_base_and_token() {
        let link = survey_link("https://x.example/", b"k", InquiryId(7));
        assert!(link.starts_with("https://x.example/avis/7-"), "{link}");
    }
}
