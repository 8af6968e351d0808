//! Typed, prefixed, sortable ids (`ten_01JD…`): a UUIDv7 rendered as a prefix and 26 characters
//! of Crockford base32, so ids sort by creation time as text and as bytes.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes 128 bits as 26 Crockford base32 characters (the first carries 3 bits).
pub fn base32_encode(v: u128) -> String {
    let mut out = [0u8; 26];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 125 - 5 * i as i32;
        let idx = if shift >= 0 {
            (v >> shift) & 0x1f
        } else {
            (v << (-shift)) & 0x1f
        };
        *slot = ALPHABET[idx as usize];
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

/// Decodes 26 Crockford base32 characters (case-insensitive, I/L read as 1, O as 0).
pub fn base32_decode(s: &str) -> Option<u128> {
    if s.len() != 26 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, c) in s.bytes().enumerate() {
        let d = match c.to_ascii_uppercase() {
            b'O' => 0,
            b'I' | b'L' => 1,
            c => ALPHABET.iter().position(|&a| a == c)? as u128,
        };
        if i == 0 && d > 7 {
            return None;
        }
        v = (v << 5) | d;
    }
    Some(v)
}

/// Error for an id that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} id")]
pub struct IdParseError {
    /// The kind of id that was expected, e.g. `tenant`.
    pub kind: &'static str,
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        #[allow(dead_code, reason = "not every id kind uses every helper")]
        impl $name {
            /// The text prefix of this kind of id.
            pub const PREFIX: &'static str = $prefix;
            /// A new, time-ordered id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// The underlying UUID.
            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}_{}", $prefix, base32_encode(self.0.as_u128()))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let rest = s
                    .strip_prefix($prefix)
                    .and_then(|r| r.strip_prefix('_'))
                    .ok_or(IdParseError { kind: $kind })?;
                base32_decode(rest)
                    .map(|v| Self(Uuid::from_u128(v)))
                    .ok_or(IdParseError { kind: $kind })
            }
        }

        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name where Uuid: sqlx::Type<DB> {
            fn type_info() -> DB::TypeInfo {
                <Uuid as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <Uuid as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name where Uuid: sqlx::Encode<'q, DB> {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <Uuid as sqlx::Encode<'q, DB>>::encode_by_ref(&self.0, buf)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name where Uuid: sqlx::Decode<'r, DB> {
            fn decode(v: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(Self(<Uuid as sqlx::Decode<'r, DB>>::decode(v)?))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

typed_id!(/// A business (tenant).
    TenantId, "ten", "tenant");
typed_id!(/// A location of a business.
    LocationId, "loc", "location");
typed_id!(/// A person who can sign in.
    UserId, "usr", "user");
typed_id!(/// A server-side session.
    SessionId, "ses", "session");
typed_id!(/// An invitation to join a business.
    InvitationId, "inv", "invitation");
typed_id!(/// An integration API key (`ak_…`).
    ApiKeyId, "key", "api key");
typed_id!(/// A staff access key (`sk_…`).
    StaffKeyId, "skey", "staff key");
typed_id!(/// An audit log entry.
    AuditId, "aud", "audit entry");
typed_id!(/// A restricted support grant.
    SupportGrantId, "sup", "support grant");
typed_id!(/// A stored, encrypted secret.
    SecretId, "sec", "secret");
typed_id!(/// A job in the durable queue.
    JobId, "job", "job");
typed_id!(/// An e-mail in the outbox.
    MailId, "mail", "mail");
typed_id!(/// A single-use sign-in or password-reset link.
    AuthTokenId, "atk", "auth token");
typed_id!(/// A text message in the SMS outbox.
    SmsId, "sms", "sms");
typed_id!(/// A booking notification (confirmation, reminder, notice…) in its ledger.
    NotificationId, "ntf", "notification");

typed_id!(/// A bookable resource: staff member, room, equipment or restaurant table.
    ResourceId, "res", "resource");
typed_id!(/// A restaurant area (indoor, terrace…).
    AreaId, "area", "area");
typed_id!(/// An allowed combination of restaurant tables.
    ComboId, "cmb", "table combination");
typed_id!(/// A weekly opening/working-hours interval.
    HoursId, "hrs", "hours");
typed_id!(/// A schedule exception: time off, holiday, closure, maintenance or extra hours.
    ExceptionId, "exc", "exception");
typed_id!(/// A service or treatment.
    ServiceId, "svc", "service");
typed_id!(/// A restaurant service period (lunch, dinner).
    PeriodId, "per", "service period");
typed_id!(/// A customer of a business.
    CustomerId, "cus", "customer");
typed_id!(/// A booking (appointment or reservation).
    BookingId, "bk", "booking");
typed_id!(/// A recurring booking series.
    SeriesId, "ser", "booking series");
typed_id!(/// A waitlist entry.
    WaitlistId, "wl", "waitlist entry");
typed_id!(/// A booking status change.
    BookingEventId, "bev", "booking event");
typed_id!(/// A manage-booking link handed out in a message.
    ManageLinkId, "ml", "manage link");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn base32_round_trips(v in any::<u128>()) {
            prop_assert_eq!(base32_decode(&base32_encode(v)), Some(v));
        }

        #[test]
        fn base32_preserves_order(a in any::<u128>(), b in any::<u128>()) {
            prop_assert_eq!(a.cmp(&b), base32_encode(a).cmp(&base32_encode(b)));
        }
    }

    #[test]
    fn ids_have_prefixes_and_round_trip() {
        let id = TenantId::new();
        let s = id.to_string();
        assert!(s.starts_with("ten_"));
        assert_eq!(s.len(), 4 + 26);
        assert_eq!(s.parse::<TenantId>().unwrap(), id);
        assert!(s.parse::<UserId>().is_err(), "a tenant id is not a user id");
        assert!("ten_".parse::<TenantId>().is_err());
        assert!(
            "ten_ZZZZZZZZZZZZZZZZZZZZZZZZZZ"
                .parse::<TenantId>()
                .is_err()
        );
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), id);
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = BookingLike::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = BookingLike::new();
        assert!(a.to_string() < b.to_string());
    }

    typed_id!(/// test only
        BookingLike, "bk", "booking");
}
