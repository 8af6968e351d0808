//! The business and its locations (promise C1).

use frontdesk_core::validate;
use frontdesk_core::*;
use frontdesk_store::{Location, Tenant};
use serde::Deserialize;
use serde_json::json;

use crate::error::Validator;
use crate::{App, AppError, AppResult, Ctx};

/// Fields of a location, as created or replaced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationIn {
    /// Name.
    pub name: String,
    /// Public URL slug.
    pub slug: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Phone (parsed with the country).
    #[serde(default)]
    pub phone: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO country.
    pub country: String,
    /// ISO currency.
    pub currency: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub brand_colour: Option<String>,
    /// Booking page text.
    #[serde(default)]
    pub booking_description: Option<String>,
    /// Tax id.
    #[serde(default)]
    pub tax_id: Option<String>,
    /// Image URL.
    #[serde(default)]
    pub image_url: Option<String>,
}

impl LocationIn {
    fn validate(
        &self,
        id: LocationId,
        tenant: TenantId,
        now: i64,
        created: i64,
    ) -> AppResult<Location> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &self.name, 1, 120, false));
        let slug = v.check(validate::slug("slug", &self.slug));
        let address = v.check(validate::text("address", &self.address, 0, 300, true));
        let country = v.check(validate::country("country", &self.country));
        let phone = match (
            self.phone
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty()),
            country.as_deref(),
        ) {
            (Some(p), Some(c)) => v.check(validate::phone("phone", p, c)).map(Some),
            (Some(_), None) => None,
            (None, _) => Some(None),
        };
        let tz = v.check(validate::time_zone("time_zone", &self.time_zone));
        let currency = v.check(validate::currency("currency", &self.currency));
        let colour = v.check(validate::colour(
            "brand_colour",
            self.brand_colour.as_deref().unwrap_or("#1f6feb"),
        ));
        let desc = v.check(validate::opt_text(
            "booking_description",
            self.booking_description.as_deref(),
            2000,
            true,
        ));
        let tax = v.check(validate::opt_text(
            "tax_id",
            self.tax_id.as_deref(),
            64,
            false,
        ));
        let image = match self
            .image_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(u) => v.check(validate::url("image_url", u)).map(Some),
            None => Some(None),
        };
        v.finish()?;
        Ok(Location {
            tenant_id: tenant,
            id,
            name: name.unwrap(),
            slug: slug.unwrap(),
            address: address.unwrap(),
            phone: phone.unwrap(),
            time_zone: tz.unwrap(),
            country: country.unwrap(),
            currency: currency.unwrap(),
            brand_colour: colour.unwrap(),
            booking_description: desc.unwrap(),
            tax_id: tax.unwrap(),
            image_url: image.unwrap(),
            created_at_ms: created,
            updated_at_ms: now,
        })
    }
}

impl App {
    /// The business.
    pub async fn business(&self, ctx: &Ctx) -> AppResult<Tenant> {
        self.store
            .tenant(ctx.tenant)
            .get()
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Renames the business or changes its default language (owners: settings).
    pub async fn update_business(
        &self,
        ctx: &Ctx,
        name: &str,
        default_language: &str,
    ) -> AppResult<Tenant> {
        ctx.require_owner()?;
        let mut v = Validator::default();
        let name = v.check(validate::text("name", name, 1, 120, false));
        let lang = v.check(validate::language("default_language", default_language));
        v.finish()?;
        let old = self.business(ctx).await?;
        let (name, lang) = (name.unwrap(), lang.unwrap());
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant)
            .update_tenant(&name, &lang, self.now_ms())
            .await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "business.updated",
            None,
            json!({ "name": [old.name, name], "default_language": [old.default_language, lang] }),
        )
        .await?;
        tx.commit().await?;
        self.business(ctx).await
    }

    /// All locations.
    pub async fn locations(&self, ctx: &Ctx) -> AppResult<Vec<Location>> {
        Ok(self.store.tenant(ctx.tenant).locations().await?)
    }

    /// One location.
    pub async fn location(&self, ctx: &Ctx, id: LocationId) -> AppResult<Location> {
        self.store
            .tenant(ctx.tenant)
            .location(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Adds a location (owners: settings).
    pub async fn create_location(&self, ctx: &Ctx, input: &LocationIn) -> AppResult<Location> {
        ctx.require_owner()?;
        let now = self.now_ms();
        let loc = input.validate(LocationId::new(), ctx.tenant, now, now)?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_location(&loc).await?;
        ctx.audit(
            &mut tx,
            now,
            "location.created",
            Some(loc.id.to_string()),
            json!({ "name": loc.name, "slug": loc.slug }),
        )
        .await?;
        tx.commit().await?;
        Ok(loc)
    }

    /// Replaces a location's fields (owners: settings).
    pub async fn update_location(
        &self,
        ctx: &Ctx,
        id: LocationId,
        input: &LocationIn,
    ) -> AppResult<Location> {
        ctx.require_owner()?;
        let old = self.location(ctx, id).await?;
        let now = self.now_ms();
        let loc = input.validate(id, ctx.tenant, now, old.created_at_ms)?;
        let mut changes = serde_json::Map::new();
        macro_rules! diff {
            ($($f:ident),*) => {$(
                if old.$f != loc.$f { changes.insert(stringify!($f).into(), json!([old.$f, loc.$f])); }
            )*};
        }
        diff!(
            name,
            slug,
            address,
            phone,
            time_zone,
            country,
            currency,
            brand_colour,
            booking_description,
            tax_id,
            image_url
        );
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_location(&loc).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            now,
            "location.updated",
            Some(id.to_string()),
            serde_json::Value::Object(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(loc)
    }

    /// Deletes a location (owners). The last location cannot be deleted.
    pub async fn delete_location(&self, ctx: &Ctx, id: LocationId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        let n = tx.tenant(ctx.tenant).count_locations().await?;
        let existing = self
            .store
            .tenant(ctx.tenant)
            .location(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if n <= 1 {
            return Err(AppError::Conflict(
                "last_location",
                "a business needs at least one location".into(),
            ));
        }
        tx.tenant(ctx.tenant).delete_location(id).await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "location.deleted",
            Some(id.to_string()),
            json!({ "name": existing.name, "slug": existing.slug }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
