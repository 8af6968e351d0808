//! Validation of the values people type: e-mail, phone, slug, time zone, country, currency,
//! colour and free text. Every function returns the normalised value or a [`Invalid`] that names
//! the field and says what is wrong, in words a person can act on.

use serde::Serialize;

/// One invalid field, with a human-readable reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The field's name as the client sent it, e.g. `email`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Invalid {
    /// A new validation failure for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Result of a validation.
pub type Checked<T> = Result<T, Invalid>;

/// The most characters a password may have. Checked before hashing, so a 1 MB password costs
/// nothing (quality bar: "a 1 MB password").
pub const PASSWORD_MAX_CHARS: usize = 128;
/// The fewest characters a password may have.
pub const PASSWORD_MIN_CHARS: usize = 10;

fn is_invisible(c: char) -> bool {
    // Zero-width and bidi controls are never wanted in names and would let two names look alike.
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Trims `value`, rejects control and zero-width characters, and bounds its length in characters.
/// Newlines are allowed only when `multiline` is true.
pub fn text(field: &str, value: &str, min: usize, max: usize, multiline: bool) -> Checked<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min {
        return Err(Invalid::new(
            field,
            if min == 1 {
                "must not be empty".to_string()
            } else {
                format!("must have at least {min} characters")
            },
        ));
    }
    if n > max {
        return Err(Invalid::new(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    if v.chars().any(|c| {
        (c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || is_invisible(c)
    }) {
        return Err(Invalid::new(
            field,
            "contains control or invisible characters",
        ));
    }
    Ok(v.to_string())
}

/// An optional text: empty becomes `None`.
pub fn opt_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Checked<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, 1, max, multiline).map(Some),
    }
}

/// A syntactically valid e-mail address, trimmed and with a lower-cased domain.
pub fn email(field: &str, value: &str) -> Checked<String> {
    let v = value.trim();
    if v.len() > 254 || !email_address::EmailAddress::is_valid(v) || !v.contains('@') {
        return Err(Invalid::new(field, "is not a valid e-mail address"));
    }
    let (local, domain) = v.rsplit_once('@').expect("checked");
    if !domain.contains('.') {
        return Err(Invalid::new(field, "is not a valid e-mail address"));
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// The key used to compare e-mail addresses: the whole address lower-cased.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A phone number parsed in the context of `country` (ISO 3166 alpha-2) and returned in E.164.
pub fn phone(field: &str, value: &str, country: &str) -> Checked<String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 32 {
        return Err(Invalid::new(field, "is not a valid phone number"));
    }
    let region = country.parse::<phonenumber::country::Id>().ok();
    let parsed = phonenumber::parse(region, v)
        .map_err(|_| Invalid::new(field, "is not a valid phone number"))?;
    if !phonenumber::is_valid(&parsed) {
        return Err(Invalid::new(
            field,
            format!("is not a valid phone number for {country}"),
        ));
    }
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// A URL slug: 3–63 characters of lower-case ASCII letters, digits and single hyphens, not at the
/// ends, and not one of the paths Frontdesk itself uses.
pub fn slug(field: &str, value: &str) -> Checked<String> {
    let v = value.trim();
    let ok_chars = v
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if v.len() < 3
        || v.len() > 63
        || !ok_chars
        || v.starts_with('-')
        || v.ends_with('-')
        || v.contains("--")
    {
        return Err(Invalid::new(
            field,
            "must be 3–63 lower-case letters, digits or single hyphens, not at the start or end",
        ));
    }
    if RESERVED_SLUGS.contains(&v) {
        return Err(Invalid::new(field, "is reserved"));
    }
    Ok(v.to_string())
}

/// Paths Frontdesk serves itself, so no business can take them as its slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "api",
    "app",
    "admin",
    "assets",
    "auth",
    "book",
    "dashboard",
    "docs",
    "healthz",
    "login",
    "logout",
    "metrics",
    "readyz",
    "signup",
    "signin",
    "static",
    "webhooks",
    "www",
    "help",
    "support",
    "manage",
    "widget",
    "chat",
    "outbox",
    "invite",
    "magic",
    "reset",
    "public",
];

/// Makes a slug suggestion from a business name ("Salon Lumière" → "salon-lumiere").
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = fold_accent(c).to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut s = out.trim_matches('-').to_string();
    s.truncate(50);
    let s = s.trim_matches('-').to_string();
    if s.len() < 3 {
        format!("{s}-biz").trim_start_matches('-').to_string()
    } else {
        s
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ'
        | 'ẳ' | 'ẵ' | 'ặ' | 'ă' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => {
            'e'
        }
        'ì' | 'í' | 'î' | 'ï' | 'ị' | 'ỉ' | 'ĩ' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ớ' | 'ờ'
        | 'ở' | 'ỡ' | 'ợ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ụ' | 'ủ' | 'ũ' | 'ư' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => {
            'u'
        }
        'ỳ' | 'ý' | 'ỵ' | 'ỷ' | 'ỹ' | 'ÿ' => 'y',
        'đ' => 'd',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

/// An IANA time zone name that this build knows (e.g. `Europe/Rome`).
pub fn time_zone(field: &str, value: &str) -> Checked<String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 64 || jiff::tz::TimeZone::get(v).is_err() {
        return Err(Invalid::new(
            field,
            "is not a known IANA time zone, e.g. Europe/Rome",
        ));
    }
    Ok(v.to_string())
}

/// An ISO 3166-1 alpha-2 country code, upper-cased, that the phone library knows.
pub fn country(field: &str, value: &str) -> Checked<String> {
    let v = value.trim().to_ascii_uppercase();
    if v.len() != 2 || v.parse::<phonenumber::country::Id>().is_err() {
        return Err(Invalid::new(
            field,
            "is not an ISO 3166 country code, e.g. IT",
        ));
    }
    Ok(v)
}

/// ISO 4217 currency codes with their minor-unit exponent.
pub const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JPY", 0),
    ("KES", 2),
    ("KHR", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("LAK", 2),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// An ISO 4217 currency code that Frontdesk supports, upper-cased.
pub fn currency(field: &str, value: &str) -> Checked<String> {
    let v = value.trim().to_ascii_uppercase();
    if !CURRENCIES.iter().any(|(c, _)| *c == v) {
        return Err(Invalid::new(
            field,
            "is not a supported ISO 4217 currency code, e.g. EUR",
        ));
    }
    Ok(v)
}

/// A brand colour as `#rrggbb`, lower-cased.
pub fn colour(field: &str, value: &str) -> Checked<String> {
    let v = value.trim().to_ascii_lowercase();
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(Invalid::new(field, "must be a colour like #1f6feb"));
    }
    Ok(v)
}

/// A language tag that Frontdesk has translations for.
pub fn language(field: &str, value: &str) -> Checked<String> {
    let v = value.trim().to_ascii_lowercase();
    if !LANGUAGES.contains(&v.as_str()) {
        return Err(Invalid::new(
            field,
            format!("must be one of {}", LANGUAGES.join(", ")),
        ));
    }
    Ok(v)
}

/// Languages of the product.
pub const LANGUAGES: &[&str] = &["en", "it", "fr", "es", "vi"];

/// A password of acceptable length (checked before any hashing).
pub fn password(field: &str, value: &str) -> Checked<()> {
    let n = value.chars().count();
    if value.len() > PASSWORD_MAX_CHARS * 4 || n > PASSWORD_MAX_CHARS {
        return Err(Invalid::new(
            field,
            format!("must have at most {PASSWORD_MAX_CHARS} characters"),
        ));
    }
    if n < PASSWORD_MIN_CHARS {
        return Err(Invalid::new(
            field,
            format!("must have at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    Ok(())
}

/// An absolute http(s) URL without credentials, at most 2,000 characters.
pub fn url(field: &str, value: &str) -> Checked<String> {
    let v = value.trim();
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() <= 2000
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && !v.split('/').nth(2).unwrap_or("").contains('@');
    if !ok {
        return Err(Invalid::new(field, "must be an http(s) URL"));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("e", " Ana@Example.COM ").unwrap(), "Ana@example.com");
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "ana@localhost",
            "a b@x.com",
            "<script>@x.com",
        ] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_are_e164_in_the_country_context() {
        assert_eq!(phone("p", "0912 345 678", "VN").unwrap(), "+84912345678");
        assert_eq!(
            phone("p", "+39 347 123 4567", "VN").unwrap(),
            "+393471234567"
        );
        assert_eq!(phone("p", "347 123 4567", "IT").unwrap(), "+393471234567");
        assert!(phone("p", "12", "IT").is_err());
        assert!(phone("p", "not a phone", "IT").is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("s", "salon-lumiere").unwrap(), "salon-lumiere");
        for bad in [
            "ab", "Salon", "-salon", "salon-", "sa--lon", "api", "sa lon", "salón",
        ] {
            assert!(slug("s", bad).is_err(), "{bad}");
        }
        assert_eq!(slugify("Salon Lumière & Spa"), "salon-lumiere-spa");
        assert_eq!(slugify("Phở Hà Nội"), "pho-ha-noi");
        assert!(slug("s", &slugify("X")).is_ok());
    }

    #[test]
    fn zones_countries_currencies_colours() {
        assert!(time_zone("tz", "Europe/Rome").is_ok());
        assert!(time_zone("tz", "Australia/Lord_Howe").is_ok());
        assert!(time_zone("tz", "Mars/Olympus").is_err());
        assert!(time_zone("tz", "").is_err());
        assert_eq!(country("c", "vn").unwrap(), "VN");
        assert!(country("c", "XX").is_err());
        assert_eq!(currency("c", "vnd").unwrap(), "VND");
        assert!(currency("c", "ABC").is_err());
        assert_eq!(colour("c", "#1F6FEB").unwrap(), "#1f6feb");
        assert!(colour("c", "red").is_err());
    }

    #[test]
    fn text_rules() {
        assert_eq!(text("n", "  Ana  ", 1, 10, false).unwrap(), "Ana");
        assert!(text("n", "", 1, 10, false).is_err());
        assert!(text("n", "Ana\u{200B}", 1, 10, false).is_err());
        assert!(text("n", "a\nb", 1, 10, false).is_err());
        assert!(text("n", "a\nb", 1, 10, true).is_ok());
        assert!(text("n", "abcdefghijk", 1, 10, false).is_err());
        // SQL and HTML are stored literally; escaping is the output's job.
        assert!(text("n", "'; DROP TABLE users; --<b>", 1, 100, false).is_ok());
    }

    #[test]
    fn passwords_are_bounded_before_hashing() {
        assert!(password("p", "short").is_err());
        assert!(password("p", "long enough pass").is_ok());
        assert!(password("p", &"x".repeat(1_000_000)).is_err());
    }
}
