//! Owner-editable message templates, rendered with minijinja in a sandbox.
//!
//! The sandbox: an empty environment (no loader, no file system, no globals such as `range`),
//! a short list of harmless filters (`upper`, `lower`, `title`, `capitalize`, `trim`, `default`,
//! `length`, `first`, `last`, `join`, `truncate`), strict undefined variables (a typo is an
//! error, not silence), a fuel limit on executed instructions, size limits on the source and the
//! output, and a source check that allows only `if`/`for` blocks and no `*` operator (string and
//! list repetition are the only way a short template could build a huge value). SMS and subjects
//! render as plain text; the HTML part of an e-mail renders the same text with every literal and
//! every value HTML-escaped, then turns blank lines into paragraphs and links into anchors.

use std::collections::BTreeMap;

use frontdesk_core::validate::LANGUAGES;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::defaults::default_text;

/// One kind of notification.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Machine name.
    pub name: &'static str,
    /// What it is, for owners.
    pub label: &'static str,
    /// Channels it has templates for.
    pub channels: &'static [&'static str],
    /// `customer` or `staff` (owners and admins).
    pub audience: &'static str,
}

/// Every kind of notification.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "booking_confirmation",
        label: "Booking confirmation",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "booking_reminder",
        label: "Reminder before the booking",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "booking_modified",
        label: "Booking changed",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "booking_cancelled",
        label: "Booking cancelled",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "review_request",
        label: "Review request (day after)",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "verification_code",
        label: "Verification code",
        channels: &["sms", "email"],
        audience: "customer",
    },
    Kind {
        name: "admin_booking_new",
        label: "Team: new booking",
        channels: &["email"],
        audience: "staff",
    },
    Kind {
        name: "admin_booking_changed",
        label: "Team: booking changed",
        channels: &["email"],
        audience: "staff",
    },
    Kind {
        name: "admin_booking_cancelled",
        label: "Team: booking cancelled",
        channels: &["email"],
        audience: "staff",
    },
    Kind {
        name: "welcome_owner",
        label: "Welcome e-mail to a new owner",
        channels: &["email"],
        audience: "staff",
    },
    Kind {
        name: "sms_credit_low",
        label: "Low SMS credit alert",
        channels: &["email"],
        audience: "staff",
    },
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Variables every template can use (all strings; empty when not known).
pub const VARIABLES: &[(&str, &str)] = &[
    ("business", "The business's name"),
    ("location", "The location's name"),
    ("location_address", "The location's address"),
    ("location_phone", "The location's phone"),
    ("customer_name", "The customer's name"),
    ("customer_phone", "The customer's phone"),
    ("customer_email", "The customer's e-mail"),
    (
        "when",
        "Date and time of the booking, in the location's time zone",
    ),
    ("date", "Date of the booking"),
    ("time", "Time of the booking"),
    ("previous_when", "Date and time before a change"),
    ("services", "Services booked"),
    ("staff", "Who serves the customer"),
    ("party_size", "Guests (restaurant reservations)"),
    ("notes", "The booking's notes (team e-mails)"),
    ("source", "Where the booking came from (team e-mails)"),
    ("reason", "Why a booking was cancelled"),
    ("manage_url", "Link to see, change or cancel the booking"),
    ("booking_url", "The public booking page"),
    ("review_url", "Where to leave a review"),
    (
        "dashboard_url",
        "Link to the booking in the dashboard (team e-mails)",
    ),
    ("code", "The verification code"),
    ("minutes", "How long the code is valid"),
    ("owner_name", "The owner's name (owner e-mails)"),
    ("balance", "SMS credits left"),
    ("threshold", "The low-credit alert threshold"),
];

/// Longest template body.
pub const MAX_BODY: usize = 4000;
/// Longest subject template.
pub const MAX_SUBJECT: usize = 300;
/// Instructions a render may execute.
const FUEL: u64 = 20_000;

/// A template that cannot be used, and why (shown to the owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// `subject` or `body`.
    pub field: &'static str,
    /// What is wrong, with the line where known.
    pub message: String,
}

/// What a template produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Plain text (SMS text, or the e-mail's text part).
    pub text: String,
    /// The e-mail's HTML part.
    pub html: Option<String>,
}

/// Values for a render.
pub type Vars = BTreeMap<&'static str, String>;

fn truncate(v: String, n: Option<usize>) -> String {
    let n = n.unwrap_or(255);
    if v.chars().count() <= n {
        v
    } else {
        let mut s: String = v.chars().take(n.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn environment(html: bool) -> Environment<'static> {
    let mut env = Environment::empty();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(20);
    env.set_auto_escape_callback(move |_| {
        if html {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    use minijinja::filters as f;
    env.add_filter("upper", f::upper);
    env.add_filter("lower", f::lower);
    env.add_filter("title", f::title);
    env.add_filter("capitalize", f::capitalize);
    env.add_filter("trim", f::trim);
    env.add_filter("default", f::default);
    env.add_filter("d", f::default);
    env.add_filter("length", f::length);
    env.add_filter("first", f::first);
    env.add_filter("last", f::last);
    env.add_filter("join", f::join);
    env.add_filter("truncate", truncate);
    use minijinja::tests as t;
    env.add_test("defined", t::is_defined);
    env.add_test("undefined", t::is_undefined);
    env.add_test("none", t::is_none);
    env
}

/// A piece of template source.
enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
}

/// Splits source into literal text and `{{ }}` / `{% %}` / `{# #}` blocks (quotes respected).
fn pieces(src: &str) -> Vec<Piece<'_>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut start) = (0, 0);
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => Some(b"}}"),
            (b'{', b'%') => Some(b"%}"),
            (b'{', b'#') => Some(b"#}"),
            _ => None,
        };
        let Some(close) = close else {
            i += 1;
            continue;
        };
        if start < i {
            out.push(Piece::Text(&src[start..i]));
        }
        let comment = b[i + 1] == b'#';
        let mut j = i + 2;
        let mut quote: Option<u8> = None;
        let end = loop {
            if j + 1 >= b.len() {
                break b.len();
            }
            match quote {
                Some(_) if b[j] == b'\\' => j += 1,
                Some(q) if b[j] == q => quote = None,
                Some(_) => {}
                None if !comment && (b[j] == b'"' || b[j] == b'\'') => quote = Some(b[j]),
                None if b[j] == close[0] && b[j + 1] == close[1] => break j + 2,
                None => {}
            }
            j += 1;
        };
        out.push(Piece::Code(&src[i..end]));
        i = end;
        start = end;
    }
    if start < src.len() {
        out.push(Piece::Text(&src[start..]));
    }
    out
}

const ALLOWED_BLOCKS: &[&str] = &["if", "elif", "else", "endif", "for", "endfor"];

/// Refuses what the sandbox does not allow, before minijinja sees it.
fn check_source(src: &str, field: &'static str) -> Result<(), TemplateProblem> {
    let problem = |m: String| TemplateProblem { field, message: m };
    for p in pieces(src) {
        let Piece::Code(code) = p else { continue };
        if code.starts_with("{#") {
            continue;
        }
        if let Some(inner) = code.strip_prefix("{%") {
            let word: String = inner
                .trim_start_matches(['-', '+', '~'])
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !ALLOWED_BLOCKS.contains(&word.as_str()) {
                return Err(problem(format!(
                    "`{{% {word} %}}` is not allowed: use {{% if %}} and {{% for %}} blocks only"
                )));
            }
        }
        // Outside string literals, `*` is multiplication or repetition (e.g. "x" * 1000000).
        let mut quote = None;
        let mut prev = ' ';
        for c in code.chars() {
            match quote {
                Some(q) if c == q && prev != '\\' => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '*' => {
                    return Err(problem(
                        "`*` is not allowed in templates (no arithmetic or repetition)".into(),
                    ));
                }
                None => {}
            }
            prev = c;
        }
    }
    Ok(())
}

/// Escapes the literal text of a template for HTML, leaving its blocks as they are.
fn escape_literals(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 32);
    for p in pieces(src) {
        match p {
            Piece::Text(t) => out.push_str(&crate::mail::escape_html(t)),
            Piece::Code(c) => out.push_str(c),
        }
    }
    out
}

fn describe(e: &minijinja::Error) -> String {
    let mut m = match e.kind() {
        minijinja::ErrorKind::UndefinedError => {
            "uses a variable that does not exist (see the list of variables)".to_string()
        }
        minijinja::ErrorKind::OutOfFuel => "does too much work to render".to_string(),
        _ => e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string()),
    };
    if let Some(line) = e.line() {
        m = format!("line {line}: {m}");
    }
    m
}

fn render_one(
    src: &str,
    vars: &Value,
    html: bool,
    field: &'static str,
    max_out: usize,
) -> Result<String, TemplateProblem> {
    let env = environment(html);
    let src = if html {
        escape_literals(src)
    } else {
        src.to_string()
    };
    let out = env
        .render_named_str(field, &src, vars.clone())
        .map_err(|e| TemplateProblem {
            field,
            message: describe(&e),
        })?;
    if out.chars().count() > max_out {
        return Err(TemplateProblem {
            field,
            message: format!("renders to more than {max_out} characters"),
        });
    }
    Ok(out)
}

/// Turns escaped text into HTML paragraphs with line breaks and links.
fn paragraphs(escaped: &str) -> String {
    let mut html = String::new();
    // minijinja also escapes `/`, which is harmless in HTML text and would break links.
    let escaped = escaped.replace("&#x2f;", "/");
    for para in escaped.replace("\r\n", "\n").split("\n\n") {
        let p = para.trim_matches('\n');
        if p.trim().is_empty() {
            continue;
        }
        html.push_str("<p>");
        html.push_str(&linkify(p).replace('\n', "<br>\n"));
        html.push_str("</p>\n");
    }
    html
}

/// Makes `http(s)://…` in already-escaped text into links. The URL stops at whitespace or an
/// escaped quote or angle bracket, so it cannot leave its attribute.
fn linkify(escaped: &str) -> String {
    let mut out = String::new();
    let mut rest = escaped;
    while let Some(i) = rest.find("http") {
        let cand = &rest[i..];
        if !(cand.starts_with("https://") || cand.starts_with("http://")) {
            out.push_str(&rest[..i + 4]);
            rest = &rest[i + 4..];
            continue;
        }
        out.push_str(&rest[..i]);
        let mut end = cand.find(|c: char| c.is_whitespace()).unwrap_or(cand.len());
        for stop in ["&lt;", "&gt;", "&quot;", "&#39;"] {
            if let Some(k) = cand[..end].find(stop) {
                end = end.min(k);
            }
        }
        let mut url = &cand[..end];
        while url.ends_with(['.', ',', ')', ';', ':', '!', '?']) {
            url = &url[..url.len() - 1];
        }
        out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
        rest = &cand[url.len()..];
    }
    out.push_str(rest);
    out
}

fn wrap_html(body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1b1f24;max-width:560px;margin:auto;line-height:1.5\">\n{body}</body></html>"
    )
}

/// Renders a template (source given) with `vars`. SMS: plain text up to 1600 characters.
/// E-mail: subject and text plain, and an HTML part where everything is escaped.
pub fn render(
    channel: &str,
    subject: Option<&str>,
    body: &str,
    vars: &Vars,
) -> Result<Rendered, TemplateProblem> {
    if body.trim().is_empty() {
        return Err(TemplateProblem {
            field: "body",
            message: "must not be empty".into(),
        });
    }
    if body.chars().count() > MAX_BODY {
        return Err(TemplateProblem {
            field: "body",
            message: format!("must be at most {MAX_BODY} characters"),
        });
    }
    check_source(body, "body")?;
    let v = Value::from(
        vars.iter()
            .map(|(k, v)| (k.to_string(), Value::from(v.as_str())))
            .collect::<BTreeMap<String, Value>>(),
    );
    if channel == "sms" {
        let text = render_one(body, &v, false, "body", crate::sms::MAX_SMS_CHARS)?;
        let text = text.trim().to_string();
        if text.is_empty() {
            return Err(TemplateProblem {
                field: "body",
                message: "renders to nothing".into(),
            });
        }
        return Ok(Rendered {
            subject: None,
            text,
            html: None,
        });
    }
    let subject_src = subject.unwrap_or("").trim();
    if subject_src.is_empty() {
        return Err(TemplateProblem {
            field: "subject",
            message: "must not be empty".into(),
        });
    }
    if subject_src.chars().count() > MAX_SUBJECT {
        return Err(TemplateProblem {
            field: "subject",
            message: format!("must be at most {MAX_SUBJECT} characters"),
        });
    }
    check_source(subject_src, "subject")?;
    let subject = render_one(subject_src, &v, false, "subject", 500)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if subject.is_empty() {
        return Err(TemplateProblem {
            field: "subject",
            message: "renders to nothing".into(),
        });
    }
    let text = render_one(body, &v, false, "body", 100_000)?
        .trim()
        .to_string();
    let html = paragraphs(&render_one(body, &v, true, "body", 200_000)?);
    Ok(Rendered {
        subject: Some(subject),
        text,
        html: Some(wrap_html(&html)),
    })
}

// ------------------------------------------------------------------ dates in five languages

const WEEKDAYS: [(&str, [&str; 7]); 5] = [
    (
        "en",
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
    ),
    (
        "it",
        [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ],
    ),
    (
        "fr",
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
    ),
    (
        "es",
        [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
    ),
    (
        "vi",
        [
            "Thứ Hai",
            "Thứ Ba",
            "Thứ Tư",
            "Thứ Năm",
            "Thứ Sáu",
            "Thứ Bảy",
            "Chủ Nhật",
        ],
    ),
];

const MONTHS: [(&str, [&str; 12]); 4] = [
    (
        "en",
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    ),
    (
        "it",
        [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
    ),
    (
        "fr",
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
    ),
    (
        "es",
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ),
];

/// `(date, time, when)` of an instant in a zone, in a language.
pub fn local_when(ms: i64, zone: &str, language: &str) -> (String, String, String) {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return Default::default();
    };
    let z = ts.to_zoned(tz);
    let wd = z.weekday().to_monday_zero_offset() as usize;
    let (d, m, y) = (z.day(), z.month() as usize, z.year());
    let time = format!("{:02}:{:02}", z.hour(), z.minute());
    let lang = if LANGUAGES.contains(&language) {
        language
    } else {
        "en"
    };
    let weekday = WEEKDAYS
        .iter()
        .find(|w| w.0 == lang)
        .map(|w| w.1[wd])
        .unwrap_or("");
    let month = MONTHS
        .iter()
        .find(|w| w.0 == lang)
        .map(|w| w.1[m - 1])
        .unwrap_or("");
    let (date, when) = match lang {
        "it" => {
            let date = format!("{weekday} {d} {month} {y}");
            (date.clone(), format!("{date} alle {time}"))
        }
        "fr" => {
            let date = format!("{weekday} {d} {month} {y}");
            (date.clone(), format!("{date} à {time}"))
        }
        "es" => {
            let date = format!("{weekday}, {d} de {month} de {y}");
            (date.clone(), format!("{date} a las {time}"))
        }
        "vi" => {
            let date = format!("{weekday}, ngày {d:02}/{m:02}/{y}");
            (date.clone(), format!("{time} {date}"))
        }
        _ => {
            let date = format!("{weekday} {d} {month} {y}");
            (date.clone(), format!("{date} at {time}"))
        }
    };
    (date, time, when)
}

/// Sample values for previews and validation.
pub fn sample_vars(language: &str, business: &str) -> Vars {
    // Tuesday 24 November 2026, 10:00 in Rome.
    let (date, time, when) = local_when(1_795_510_800_000, "Europe/Rome", language);
    let (_, _, previous) = local_when(1_795_424_400_000, "Europe/Rome", language);
    let mut v = Vars::new();
    for (k, _) in VARIABLES {
        v.insert(k, String::new());
    }
    let base = "https://desk.example.com";
    for (k, val) in [
        ("business", business.to_string()),
        ("location", business.to_string()),
        ("location_address", "Via Roma 1, Milano".into()),
        ("location_phone", "+39 02 1234 5678".into()),
        ("customer_name", "Giulia Rossi".into()),
        ("customer_phone", "+393471234567".into()),
        ("customer_email", "giulia@example.com".into()),
        ("when", when),
        ("date", date),
        ("time", time),
        ("previous_when", previous),
        ("services", "Haircut, Colour".into()),
        ("staff", "Anna".into()),
        ("party_size", String::new()),
        ("notes", "Prefers the window seat".into()),
        ("source", "web".into()),
        ("reason", String::new()),
        ("manage_url", format!("{base}/manage/mb_SAMPLE")),
        ("booking_url", format!("{base}/salon-uno")),
        ("review_url", "https://g.page/r/example/review".into()),
        ("dashboard_url", format!("{base}/app/bookings/bk_SAMPLE")),
        ("code", "482913".into()),
        ("minutes", "5".into()),
        ("owner_name", "Marco".into()),
        ("balance", "18".into()),
        ("threshold", "20".into()),
    ] {
        v.insert(k, val);
    }
    v
}

/// The effective template of a business: its own, else the default of the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveTemplate {
    /// Kind.
    pub kind: &'static str,
    /// Channel.
    pub channel: String,
    /// Language.
    pub language: String,
    /// Subject source (e-mail).
    pub subject: Option<String>,
    /// Body source.
    pub body: String,
    /// The owner changed it.
    pub customized: bool,
    /// When the owner saved it.
    pub updated_at_ms: Option<i64>,
}

/// The built-in template as an [`EffectiveTemplate`].
pub fn builtin(kind: &'static Kind, channel: &str, language: &str) -> Option<EffectiveTemplate> {
    let (subject, body) = default_text(kind.name, channel, language)?;
    Some(EffectiveTemplate {
        kind: kind.name,
        channel: channel.to_string(),
        language: language.to_string(),
        subject: subject.map(str::to_string),
        body: body.to_string(),
        customized: false,
        updated_at_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_blocks_and_respect_quotes() {
        let p = pieces("a {{ x ~ \"}}\" }} b {% if y %}c{% endif %}");
        let code: Vec<&str> = p
            .iter()
            .filter_map(|p| match p {
                Piece::Code(c) => Some(*c),
                _ => None,
            })
            .collect();
        assert_eq!(code, ["{{ x ~ \"}}\" }}", "{% if y %}", "{% endif %}"]);
    }

    #[test]
    fn links_stay_inside_their_attribute() {
        let e = crate::mail::escape_html("see https://x.example/a?b=1&c=\"><script> now");
        let l = linkify(&e);
        assert!(
            l.contains("<a href=\"https://x.example/a?b=1&amp;c=\">"),
            "{l}"
        );
        assert!(!l.contains("<script>"));
    }

    #[test]
    fn dates_in_five_languages() {
        let ms = 1_795_510_800_000; // 2026-11-24T09:00Z = 10:00 in Rome
        assert_eq!(
            local_when(ms, "Europe/Rome", "en").2,
            "Tuesday 24 November 2026 at 10:00"
        );
        assert_eq!(
            local_when(ms, "Europe/Rome", "it").2,
            "martedì 24 novembre 2026 alle 10:00"
        );
        assert_eq!(
            local_when(ms, "Europe/Rome", "fr").2,
            "mardi 24 novembre 2026 à 10:00"
        );
        assert_eq!(
            local_when(ms, "Europe/Rome", "es").2,
            "martes, 24 de noviembre de 2026 a las 10:00"
        );
        assert_eq!(
            local_when(ms, "Asia/Ho_Chi_Minh", "vi").2,
            "16:00 Thứ Ba, ngày 24/11/2026"
        );
    }
}

#[cfg(test)]
mod default_tests {
    use super::*;

    #[test]
    fn every_default_renders_in_every_language() {
        for k in KINDS {
            for ch in k.channels {
                for lang in LANGUAGES {
                    let d = builtin(k, ch, lang).unwrap();
                    assert_eq!(&d.language, lang);
                    let r = render(
                        ch,
                        d.subject.as_deref(),
                        &d.body,
                        &sample_vars(lang, "Salon Uno"),
                    );
                    assert!(r.is_ok(), "{} {ch} {lang}: {r:?}", k.name);
                }
            }
        }
    }
}
