//! AWS's side of a SigV4 exchange, for tests of clients that sign: the
//! credentials a test sets, and the signature the server recomputes.

use std::time::{Duration, SystemTime};

use super::http_server::Recorded;

pub const ACCESS_KEY: &str = "AKIDTESTPIPELINE01";
pub const SECRET_KEY: &str = "pipeline/test/secret/key/not/a/real/one/xyz";
pub const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN//pipeline-test";

/// Credentials from these variables only: the shared files point nowhere,
/// and the metadata services are off, so the chain never leaves the machine.
pub fn aws_environment(session_token: Option<&str>, nowhere: &std::path::Path) {
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("AWS_CONFIG_FILE", nowhere.join("config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"));
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    match session_token {
        Some(token) => std::env::set_var("AWS_SESSION_TOKEN", token),
        None => std::env::remove_var("AWS_SESSION_TOKEN"),
    }
}

/// The parts of a SigV4 `Authorization` header, its shape checked.
pub struct Authorization {
    pub scope: String,
    pub signed_headers: Vec<String>,
    /// `x-amz-date`, which the scope's date must match.
    pub date: String,
}

impl Authorization {
    pub fn parse(request: &Recorded) -> Authorization {
        let value = request.header("authorization").expect("an authorization header");
        let rest =
            value.strip_prefix("AWS4-HMAC-SHA256 Credential=").unwrap_or_else(|| panic!("{value}"));
        let (scope, rest) =
            rest.split_once(", SignedHeaders=").unwrap_or_else(|| panic!("{value}"));
        let (signed, signature) =
            rest.split_once(", Signature=").unwrap_or_else(|| panic!("{value}"));
        assert_eq!(signature.len(), 64, "{value}");
        assert!(signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{value}");
        let date = request.header("x-amz-date").expect("an x-amz-date header").to_owned();
        assert!(date.len() == 16 && date.as_bytes()[8] == b'T' && date.ends_with('Z'), "{date}");
        let signed_headers: Vec<String> = signed.split(';').map(str::to_owned).collect();
        let mut sorted = signed_headers.clone();
        sorted.sort();
        assert_eq!(signed_headers, sorted, "SignedHeaders are sorted");
        Authorization { scope: scope.to_owned(), signed_headers, date }
    }
}

/// The `Authorization` header the server computes for `request` with the
/// test's secret key: what AWS does to check a signature.
pub fn resign(request: &Recorded, session_token: Option<&str>) -> String {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};

    let auth = Authorization::parse(request);
    let region = auth.scope.split('/').nth(2).unwrap();
    // x-amz-date and the token come from the signing time and credentials.
    let headers: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .filter(|h| !matches!(h.as_str(), "x-amz-date" | "x-amz-security-token"))
        .map(|h| (h.as_str(), request.header(h).unwrap_or_else(|| panic!("signed {h} not sent"))))
        .collect();
    let url = format!("http://{}{}", request.header("host").unwrap(), request.path);
    let credentials = aws_credential_types::Credentials::new(
        ACCESS_KEY,
        SECRET_KEY,
        session_token.map(str::to_owned),
        None,
        "server",
    );
    let identity = credentials.into();
    let params: aws_sigv4::http_request::SigningParams =
        aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("bedrock")
            .time(parse_amz_date(&auth.date))
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
    let signable =
        SignableRequest::new("POST", url, headers.into_iter(), SignableBody::Bytes(&request.body))
            .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let (headers, _) = instructions.into_parts();
    headers.iter().find(|h| h.name() == "authorization").unwrap().value().to_owned()
}

/// `20261203T171500Z` as a time.
pub fn parse_amz_date(text: &str) -> SystemTime {
    let n = |range: std::ops::Range<usize>| -> i64 { text[range].parse().unwrap() };
    let (year, month, day) = (n(0..4), n(4..6), n(6..8));
    let seconds = n(9..11) * 3600 + n(11..13) * 60 + n(13..15);
    // Days since 1970-01-01 of a civil date (proleptic Gregorian).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    SystemTime::UNIX_EPOCH + Duration::from_secs((days * 86_400 + seconds) as u64)
}
