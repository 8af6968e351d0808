//! Demo data: a hair salon, an aesthetic clinic and a restaurant, each with an owner and a
//! receptionist, so a fresh install has something to look at. Running it twice changes nothing.

use crate::auth::{ClientInfo, SignupIn};
use crate::{App, AppError, AppResult};

/// The password of every demo account (development only; printed by `frontdesk demo`).
pub const DEMO_PASSWORD: &str = "frontdesk-demo";

/// One seeded business.
#[derive(Debug, Clone)]
pub struct DemoBusiness {
    /// Business name.
    pub name: String,
    /// Public slug.
    pub slug: String,
    /// Owner's e-mail.
    pub owner_email: String,
    /// Whether it was created now (false: it already existed).
    pub created: bool,
}

struct Spec {
    name: &'static str,
    slug: &'static str,
    owner: &'static str,
    email: &'static str,
    tz: &'static str,
    country: &'static str,
    currency: &'static str,
    language: &'static str,
    address: &'static str,
    phone: &'static str,
    colour: &'static str,
    description: &'static str,
    receptionist: &'static str,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "Salon Lumière",
        slug: "salon-lumiere",
        owner: "Giulia Rossi",
        email: "owner@salon-lumiere.example",
        tz: "Europe/Rome",
        country: "IT",
        currency: "EUR",
        language: "it",
        address: "Via Roma 12, 20121 Milano",
        phone: "+39 02 1234 5678",
        colour: "#b5487a",
        description: "Cuts, colour and balayage in the heart of Milan.",
        receptionist: "desk@salon-lumiere.example",
    },
    Spec {
        name: "Clinica Serena",
        slug: "clinica-serena",
        owner: "Camille Martin",
        email: "owner@clinica-serena.example",
        tz: "Europe/Paris",
        country: "FR",
        currency: "EUR",
        language: "fr",
        address: "8 rue de la Paix, 75002 Paris",
        phone: "+33 1 42 68 53 00",
        colour: "#2f7d6d",
        description: "Aesthetic treatments and skin care by qualified practitioners.",
        receptionist: "desk@clinica-serena.example",
    },
    Spec {
        name: "Bếp Nhà Hà Nội",
        slug: "bep-nha-ha-noi",
        owner: "Nguyễn Minh Anh",
        email: "owner@bep-nha.example",
        tz: "Asia/Ho_Chi_Minh",
        country: "VN",
        currency: "VND",
        language: "vi",
        address: "25 Hàng Bè, Hoàn Kiếm, Hà Nội",
        phone: "+84 24 3826 1234",
        colour: "#c0392b",
        description: "Northern Vietnamese home cooking. Tables for 2 to 10.",
        receptionist: "desk@bep-nha.example",
    },
];

impl App {
    /// Seeds the demo businesses (skipping those that exist).
    pub async fn seed_demo(&self) -> AppResult<Vec<DemoBusiness>> {
        let mut out = Vec::new();
        let client = ClientInfo {
            ip: None,
            user_agent: Some("frontdesk demo".into()),
        };
        for s in SPECS {
            if self.store.user_by_email(s.email).await?.is_some() {
                out.push(DemoBusiness {
                    name: s.name.into(),
                    slug: s.slug.into(),
                    owner_email: s.email.into(),
                    created: false,
                });
                continue;
            }
            let (_session, tenant) = self
                .signup(
                    SignupIn {
                        business_name: s.name.into(),
                        name: s.owner.into(),
                        email: s.email.into(),
                        password: DEMO_PASSWORD.into(),
                        slug: Some(s.slug.into()),
                        time_zone: s.tz.into(),
                        country: s.country.into(),
                        currency: s.currency.into(),
                        language: Some(s.language.into()),
                    },
                    &client,
                )
                .await?;
            let ctx = crate::Ctx::system(tenant);
            let loc = self
                .locations(&ctx)
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::NotFound)?;
            self.update_location(
                &ctx,
                loc.id,
                &crate::business::LocationIn {
                    name: loc.name.clone(),
                    slug: loc.slug.clone(),
                    address: s.address.into(),
                    phone: Some(s.phone.into()),
                    time_zone: s.tz.into(),
                    country: s.country.into(),
                    currency: s.currency.into(),
                    brand_colour: Some(s.colour.into()),
                    booking_description: Some(s.description.into()),
                    tax_id: None,
                    image_url: None,
                },
            )
            .await?;
            // A receptionist who already accepted, so the team page has two people.
            let inv = self.invite(&ctx, s.receptionist, "receptionist").await?;
            let token = inv.link.rsplit('/').next().unwrap_or_default().to_string();
            self.accept_invitation(&token, Some("Front Desk"), DEMO_PASSWORD, &client)
                .await?;
            out.push(DemoBusiness {
                name: s.name.into(),
                slug: s.slug.into(),
                owner_email: s.email.into(),
                created: true,
            });
        }
        Ok(out)
    }
}
