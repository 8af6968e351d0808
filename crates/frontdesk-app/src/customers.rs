//! Customers (promise B7): one record per person within a business, found again by phone
//! (E.164, parsed with the business's country) or e-mail; tags, notes, language, standing
//! requirements, marketing consent with when and where it was given, and the booking aggregate
//! with the date the data expires (promise R4: 24 months after the last booking).

use frontdesk_core::validate::{self, Invalid};
use frontdesk_core::*;
use frontdesk_store::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::catalogue::vocab_tags;
use crate::error::Validator;
use crate::{App, AppError, AppResult, Ctx};

/// How long customer data is kept after the last booking (or creation), in months.
pub const RETENTION_MONTHS: i8 = 24;

/// Consent sources.
pub const CONSENT_SOURCES: &[&str] = &[
    "staff", "web", "chat", "phone", "walk_in", "import", "channel",
];

/// A customer to create or replace.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIn {
    /// Name.
    pub name: String,
    /// Phone; parsed with the business's country and stored in E.164.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Preferred language (en, it, fr, es, vi).
    #[serde(default)]
    pub language: Option<String>,
    /// Staff notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Free tags (vip, regular…), at most 20 of 1..=40 characters.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Standing requirements (accessible, high_chair…).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Agreed to marketing.
    #[serde(default)]
    pub marketing_consent: bool,
    /// Where consent was given or withdrawn (staff, web, chat, phone, walk_in, import, channel).
    #[serde(default)]
    pub marketing_consent_source: Option<String>,
}

impl CustomerIn {
    /// The input that recreates a stored customer (base for partial updates).
    pub fn from_row(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            language: c.language.clone(),
            notes: c.notes.clone(),
            tags: serde_json::from_str(&c.tags).unwrap_or_default(),
            requirements: serde_json::from_str(&c.requirements).unwrap_or_default(),
            marketing_consent: c.marketing_consent,
            marketing_consent_source: c.marketing_consent_source.clone(),
        }
    }
}

/// When a customer's data expires: 24 months after the last booking, or after creation.
pub fn retention_expires_at_ms(c: &Customer) -> i64 {
    let base = c.last_booking_at_ms.unwrap_or(c.created_at_ms);
    jiff::Timestamp::from_millisecond(base)
        .ok()
        .and_then(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .checked_add(jiff::Span::new().months(RETENTION_MONTHS))
                .ok()
        })
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(base + 730 * 24 * 3600 * 1000)
}

impl App {
    /// The country used to read customers' local phone numbers: the first location's.
    async fn business_country(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(self
            .store
            .tenant(ctx.tenant)
            .locations()
            .await?
            .into_iter()
            .next()
            .map(|l| l.country)
            .unwrap_or_else(|| "US".into()))
    }

    fn may_edit_customers(ctx: &Ctx) -> AppResult<()> {
        ctx.require_write()?;
        match ctx.role {
            Role::Owner | Role::Admin | Role::Receptionist => Ok(()),
            _ => Err(AppError::Forbidden("front_desk_only")),
        }
    }

    async fn validate_customer(
        &self,
        ctx: &Ctx,
        input: &CustomerIn,
        old: Option<&Customer>,
    ) -> AppResult<Customer> {
        let country = self.business_country(ctx).await?;
        self.validate_customer_for(ctx, input, old, &country)
    }

    /// Validates a customer's fields, parsing the phone with `country` (the location's when a
    /// booking names the customer).
    pub(crate) fn validate_customer_for(
        &self,
        ctx: &Ctx,
        input: &CustomerIn,
        old: Option<&Customer>,
        country: &str,
    ) -> AppResult<Customer> {
        let now = self.now_ms();
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let phone = match input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) => v.check(validate::phone("phone", p, country)).map(Some),
            None => Some(None),
        };
        let email = match input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(e) => v.check(validate::email("email", e)).map(Some),
            None => Some(None),
        };
        let language = match input
            .language
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(l) => v.check(validate::language("language", l)).map(Some),
            None => Some(None),
        };
        let notes = v.check(validate::opt_text(
            "notes",
            input.notes.as_deref(),
            4000,
            true,
        ));
        let mut tags = std::collections::BTreeSet::new();
        if input.tags.len() > 20 {
            v.0.push(Invalid::new("tags", "must have at most 20 tags"));
        }
        for t in &input.tags {
            if let Some(t) = v.check(validate::text("tags", &t.to_lowercase(), 1, 40, false)) {
                tags.insert(t);
            }
        }
        let requirements = vocab_tags(&mut v, "requirements", &input.requirements);
        let source = match input.marketing_consent_source.as_deref() {
            Some(s) => {
                crate::catalogue::one_of(&mut v, "marketing_consent_source", s, CONSENT_SOURCES)
                    .map(Some)
            }
            None => Some(None),
        };
        v.finish()?;
        let email = email.expect("valid");
        let consent_changed = old.map(|o| o.marketing_consent) != Some(input.marketing_consent)
            && (old.is_some() || input.marketing_consent);
        let (consent_at, consent_source) = if consent_changed {
            (
                Some(now),
                Some(source.expect("valid").unwrap_or_else(|| "staff".into())),
            )
        } else {
            (
                old.and_then(|o| o.marketing_consent_at_ms),
                old.and_then(|o| o.marketing_consent_source.clone()),
            )
        };
        Ok(Customer {
            tenant_id: ctx.tenant,
            id: old.map(|o| o.id).unwrap_or_else(CustomerId::new),
            name: name.expect("valid"),
            phone: phone.expect("valid"),
            email_key: email.as_deref().map(validate::email_key),
            email,
            language: language.expect("valid"),
            notes: notes.expect("valid"),
            tags: serde_json::to_string(&tags.into_iter().collect::<Vec<_>>()).expect("json"),
            requirements: requirements.expect("valid"),
            marketing_consent: input.marketing_consent,
            marketing_consent_at_ms: consent_at,
            marketing_consent_source: consent_source,
            first_booking_at_ms: old.and_then(|o| o.first_booking_at_ms),
            last_booking_at_ms: old.and_then(|o| o.last_booking_at_ms),
            booking_count: old.map(|o| o.booking_count).unwrap_or(0),
            no_show_count: old.map(|o| o.no_show_count).unwrap_or(0),
            last_verified_at_ms: old.and_then(|o| o.last_verified_at_ms),
            created_at_ms: old.map(|o| o.created_at_ms).unwrap_or(now),
            updated_at_ms: now,
        })
    }

    /// Customers matching a search, tag and cursor.
    pub async fn customers(&self, ctx: &Ctx, filter: &CustomerFilter) -> AppResult<Vec<Customer>> {
        if let Some(s) = filter.search.as_deref() {
            validate::text("q", s, 0, 120, false)?;
        }
        Ok(self.store.tenant(ctx.tenant).customers(filter).await?)
    }

    /// One customer.
    pub async fn customer(&self, ctx: &Ctx, id: CustomerId) -> AppResult<Customer> {
        self.store
            .tenant(ctx.tenant)
            .customer(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Adds a customer (owners, admins, receptionists). A customer with the same phone or
    /// e-mail already exists: 409 `customer_exists` naming the existing id.
    pub async fn create_customer(&self, ctx: &Ctx, input: &CustomerIn) -> AppResult<Customer> {
        Self::may_edit_customers(ctx)?;
        let c = self.validate_customer(ctx, input, None).await?;
        let mut tx = self.store.begin().await?;
        if let Some(existing) = tx
            .tenant(ctx.tenant)
            .find_customer(c.phone.as_deref(), c.email_key.as_deref())
            .await?
        {
            return Err(AppError::Conflict(
                "customer_exists",
                format!("customer {} already has this phone or e-mail", existing.id),
            ));
        }
        tx.tenant(ctx.tenant).insert_customer(&c).await?;
        ctx.audit(
            &mut tx,
            c.created_at_ms,
            "customer.created",
            Some(c.id.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// The customer with this phone or e-mail, or a new one (for bookings, walk-ins, chat).
    /// Returns the customer and whether it was created.
    pub async fn find_or_create_customer(
        &self,
        ctx: &Ctx,
        input: &CustomerIn,
    ) -> AppResult<(Customer, bool)> {
        ctx.require_write()?;
        let c = self.validate_customer(ctx, input, None).await?;
        let mut tx = self.store.begin().await?;
        let (c, created) = tx.tenant(ctx.tenant).find_or_create_customer(&c).await?;
        if created {
            ctx.audit(
                &mut tx,
                c.created_at_ms,
                "customer.created",
                Some(c.id.to_string()),
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok((c, created))
    }

    /// Replaces a customer's details (owners, admins, receptionists). The booking aggregate is
    /// kept; consent records when and where it changed.
    pub async fn update_customer(
        &self,
        ctx: &Ctx,
        id: CustomerId,
        input: &CustomerIn,
    ) -> AppResult<Customer> {
        Self::may_edit_customers(ctx)?;
        let old = self.customer(ctx, id).await?;
        let c = self.validate_customer(ctx, input, Some(&old)).await?;
        let mut changed: Vec<&str> = Vec::new();
        macro_rules! diff {
            ($($f:ident),*) => {$( if old.$f != c.$f { changed.push(stringify!($f)); } )*};
        }
        diff!(
            name,
            phone,
            email,
            language,
            notes,
            tags,
            requirements,
            marketing_consent
        );
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_customer(&c).await? {
            return Err(AppError::NotFound);
        }
        // Fields changed are named, their values are not copied into the audit log.
        ctx.audit(
            &mut tx,
            c.updated_at_ms,
            "customer.updated",
            Some(id.to_string()),
            json!({ "changed": changed }),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }
}
