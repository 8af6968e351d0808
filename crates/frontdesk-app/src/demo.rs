//! Demo data: a hair salon, an aesthetic clinic and a restaurant, each with an owner and a
//! receptionist, so a fresh install has something to look at. Running it twice changes nothing.

use crate::auth::{ClientInfo, SignupIn};
use crate::{App, AppError, AppResult};

/// The password of every demo account (development only; printed by `frontdesk demo`).
pub const DEMO_PASSWORD: &str = "frontdesk-demo";

/// The demo salon's booking page slug (printed at start-up with `serve --demo`).
pub const DEMO_SALON_SLUG: &str = "salon-lumiere";

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
        slug: DEMO_SALON_SLUG,
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
            self.seed_demo_catalogue(&ctx, s.slug, loc.id).await?;
            self.seed_demo_bookings(&ctx, loc.id).await?;
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

impl App {
    /// A few bookings over the next three days from live availability, so the calendar, the
    /// floor and the clients list have something to show. A time taken meanwhile is skipped.
    async fn seed_demo_bookings(
        &self,
        ctx: &crate::Ctx,
        loc: frontdesk_core::LocationId,
    ) -> AppResult<()> {
        use crate::bookings::{AvailabilityIn, BookingIn, CustomerDetailsIn, VisitItemIn};
        const GUESTS: &[&str] = &[
            "Chiara Bianchi",
            "Luca Romano",
            "Sofia Greco",
            "Nguyễn Thu Hà",
            "Léa Martin",
            "Lucía García",
            "Marco Conti",
            "Trần Minh Anh",
            "Elena Marino",
            "Paolo Ricci",
        ];
        let location = self.location(ctx, loc).await?;
        let tz = jiff::tz::TimeZone::get(&location.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let today = jiff::Timestamp::from_millisecond(self.now_ms())
            .map(|t| t.to_zoned(tz.clone()).date())
            .unwrap_or_default();
        let services: Vec<_> = self
            .store
            .tenant(ctx.tenant)
            .services(loc)
            .await?
            .into_iter()
            .filter(|s| s.online_bookable && s.capacity == 1)
            .take(4)
            .collect();
        let mut n = 0usize;
        for day in 1..=3i64 {
            let Ok(date) = today.checked_add(jiff::Span::new().days(day)) else {
                continue;
            };
            let wishes: Vec<(Vec<VisitItemIn>, u32)> = if services.is_empty() {
                [2u32, 4, 2, 6].iter().map(|p| (Vec::new(), *p)).collect()
            } else {
                services
                    .iter()
                    .map(|s| {
                        (
                            vec![VisitItemIn {
                                service_id: s.id,
                                staff_id: None,
                            }],
                            1,
                        )
                    })
                    .collect()
            };
            for (k, (items, party)) in wishes.into_iter().enumerate() {
                let q = AvailabilityIn {
                    location_id: loc,
                    services: items.clone(),
                    same_staff: false,
                    from: date.to_string(),
                    to: None,
                    party_size: party,
                    requirements: Vec::new(),
                    area_id: None,
                };
                let slots = self.availability(ctx, &q).await?;
                if slots.is_empty() {
                    continue;
                }
                let slot = &slots[(k * 7 + day as usize * 5) % slots.len()];
                let guest = GUESTS[n % GUESTS.len()];
                n += 1;
                let email = format!(
                    "guest{n}@{}.example",
                    location
                        .slug
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "")
                );
                let b = BookingIn {
                    location_id: loc,
                    services: items,
                    same_staff: false,
                    start: slot.start.clone(),
                    party_size: party,
                    customer_id: None,
                    customer: Some(CustomerDetailsIn {
                        name: guest.into(),
                        phone: None,
                        email: Some(email),
                        language: None,
                    }),
                    notes: String::new(),
                    requirements: Vec::new(),
                    area_id: None,
                    hold: false,
                    source: Some("manual".into()),
                    recurrence: None,
                };
                if let Err(e) = self.create_booking(ctx, &b, None).await {
                    tracing::warn!(error = %e, "a demo booking was skipped");
                }
            }
        }
        Ok(())
    }
}

fn input<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("demo input matches its shape")
}

fn week(days: &[i64], spans: &[(i64, i64)]) -> crate::catalogue::WeeklyHoursIn {
    let mut intervals = Vec::new();
    for d in days {
        for (s, e) in spans {
            intervals.push(crate::catalogue::IntervalIn {
                weekday: *d,
                start_min: *s,
                end_min: *e,
            });
        }
    }
    crate::catalogue::WeeklyHoursIn { intervals }
}

impl App {
    /// The demo catalogue of one business (no bookings): staff with hours, rooms, services for
    /// the salon and the clinic; areas, tables, combinations and service periods for the
    /// restaurant.
    async fn seed_demo_catalogue(
        &self,
        ctx: &crate::Ctx,
        slug: &str,
        loc: frontdesk_core::LocationId,
    ) -> AppResult<()> {
        use serde_json::json;
        let owner = self
            .store
            .tenant(ctx.tenant)
            .members()
            .await?
            .into_iter()
            .find(|m| m.role == "owner")
            .map(|m| m.user_id.to_string());
        let res = |v: serde_json::Value| async move {
            let i: crate::catalogue::ResourceIn = input(v);
            self.create_resource(ctx, loc, &i).await
        };
        let svc = |v: serde_json::Value| async move {
            let i: crate::catalogue::ServiceIn = input(v);
            self.create_service(ctx, loc, &i).await
        };
        match slug {
            "salon-lumiere" => {
                self.replace_weekly_hours(ctx, loc, None, &week(&[2, 3, 4, 5, 6], &[(540, 1140)]))
                    .await?;
                let giulia = res(json!({"kind": "staff", "name": "Giulia", "user_id": owner,
                    "description": "Owner and colour specialist", "colour": "#c2185b", "own_hours": true}))
                .await?;
                let marco = res(json!({"kind": "staff", "name": "Marco", "description": "Cuts and styling", "colour": "#1565c0", "own_hours": true}))
                    .await?;
                self.replace_weekly_hours(
                    ctx,
                    loc,
                    Some(giulia.id),
                    &week(&[2, 3, 4, 5], &[(540, 780), (840, 1140)]),
                )
                .await?;
                self.replace_weekly_hours(
                    ctx,
                    loc,
                    Some(marco.id),
                    &week(&[3, 4, 5, 6], &[(600, 1140)]),
                )
                .await?;
                let chair1 = res(json!({"kind": "room", "name": "Chair 1"})).await?;
                let chair2 = res(json!({"kind": "room", "name": "Chair 2"})).await?;
                let wash =
                    res(json!({"kind": "equipment", "name": "Wash basin", "quantity": 2})).await?;
                let cut = svc(json!({"name": "Cut & blow-dry", "category": "Hair", "duration_min": 45, "price_minor": 3500, "buffer_after_min": 5})).await?;
                let colour = svc(json!({"name": "Colour", "category": "Colour", "duration_min": 95,
                    "segments": [{"work": 30}, {"gap": 45}, {"work": 20}], "price_minor": 7500, "buffer_after_min": 10,
                    "description": "Colour with a processing time: your stylist serves someone else meanwhile."})).await?;
                let _ = svc(json!({"name": "Beard trim", "category": "Hair", "duration_min": 20, "price_minor": 1500})).await?;
                let staff = |d: Option<i64>| crate::catalogue::ServiceStaffIn {
                    staff: vec![
                        crate::catalogue::StaffLinkIn {
                            resource_id: giulia.id,
                            duration_min: d,
                            price_minor: None,
                        },
                        crate::catalogue::StaffLinkIn {
                            resource_id: marco.id,
                            duration_min: None,
                            price_minor: None,
                        },
                    ],
                };
                self.set_service_staff(ctx, cut.id, &staff(None)).await?;
                self.set_service_staff(ctx, colour.id, &staff(Some(90)))
                    .await?;
                let groups = crate::catalogue::RequirementsIn {
                    groups: vec![vec![chair1.id, chair2.id], vec![wash.id]],
                };
                self.set_service_requirements(ctx, colour.id, &groups)
                    .await?;
            }
            "clinica-serena" => {
                self.replace_weekly_hours(ctx, loc, None, &week(&[1, 2, 3, 4, 5], &[(480, 1200)]))
                    .await?;
                let mut doctors = Vec::new();
                for (name, days) in [
                    ("Dr Claire Martin", [1, 2, 3]),
                    ("Dr Hugo Bernard", [3, 4, 5]),
                ] {
                    let d = res(json!({"kind": "staff", "name": name, "own_hours": true})).await?;
                    self.replace_weekly_hours(
                        ctx,
                        loc,
                        Some(d.id),
                        &week(&days, &[(540, 780), (840, 1080)]),
                    )
                    .await?;
                    doctors.push(d);
                }
                let room1 = res(json!({"kind": "room", "name": "Treatment room 1"})).await?;
                let room2 = res(json!({"kind": "room", "name": "Treatment room 2"})).await?;
                let laser =
                    res(json!({"kind": "equipment", "name": "Laser device", "quantity": 1}))
                        .await?;
                let consult = svc(json!({"name": "Consultation", "category": "Consultation", "duration_min": 30, "price_minor": 5000})).await?;
                let laser_svc = svc(json!({"name": "Laser hair removal", "category": "Laser", "duration_min": 45, "price_minor": 12000,
                    "buffer_after_min": 15, "prerequisite_service_id": consult.id})).await?;
                let peel = svc(json!({"name": "Chemical peel", "category": "Skin", "duration_min": 40, "price_minor": 9000,
                    "segments": [{"work": 15}, {"gap": 15}, {"work": 10}]})).await?;
                let all = crate::catalogue::ServiceStaffIn {
                    staff: doctors
                        .iter()
                        .map(|d| crate::catalogue::StaffLinkIn {
                            resource_id: d.id,
                            duration_min: None,
                            price_minor: None,
                        })
                        .collect(),
                };
                for s in [&consult, &laser_svc, &peel] {
                    self.set_service_staff(ctx, s.id, &all).await?;
                }
                self.set_service_requirements(
                    ctx,
                    laser_svc.id,
                    &crate::catalogue::RequirementsIn {
                        groups: vec![vec![room1.id, room2.id], vec![laser.id]],
                    },
                )
                .await?;
                self.set_service_requirements(
                    ctx,
                    peel.id,
                    &crate::catalogue::RequirementsIn {
                        groups: vec![vec![room1.id, room2.id]],
                    },
                )
                .await?;
            }
            "bep-nha-ha-noi" => {
                self.replace_weekly_hours(
                    ctx,
                    loc,
                    None,
                    &week(&[2, 3, 4, 5, 6, 7], &[(660, 870), (1050, 1380)]),
                )
                .await?;
                let indoor = self
                    .create_area(ctx, loc, &input(json!({"name": "Indoor", "sort_order": 1})))
                    .await?;
                let terrace = self
                    .create_area(
                        ctx,
                        loc,
                        &input(json!({"name": "Terrace", "sort_order": 2})),
                    )
                    .await?;
                let mut tables = Vec::new();
                let specs: [(
                    &str,
                    &frontdesk_core::AreaId,
                    i64,
                    i64,
                    &str,
                    serde_json::Value,
                ); 12] = [
                    ("T1", &(indoor.id), 1, 2, "square", json!(["window"])),
                    ("T2", &(indoor.id), 1, 2, "square", json!(["window"])),
                    (
                        "T3",
                        &(indoor.id),
                        2,
                        4,
                        "rect",
                        json!(["accessible", "high_chair"]),
                    ),
                    ("T4", &(indoor.id), 2, 4, "rect", json!(["accessible"])),
                    (
                        "T5",
                        &(indoor.id),
                        4,
                        6,
                        "round",
                        json!(["high_chair", "stroller"]),
                    ),
                    ("T6", &(indoor.id), 2, 4, "booth", json!(["quiet"])),
                    ("B1", &(indoor.id), 1, 1, "bar", json!([])),
                    ("B2", &(indoor.id), 1, 1, "bar", json!([])),
                    (
                        "P1",
                        &(terrace.id),
                        2,
                        4,
                        "square",
                        json!(["outdoor", "pets", "stroller"]),
                    ),
                    (
                        "P2",
                        &(terrace.id),
                        2,
                        4,
                        "square",
                        json!(["outdoor", "pets"]),
                    ),
                    (
                        "P3",
                        &(terrace.id),
                        2,
                        4,
                        "square",
                        json!(["outdoor", "pets"]),
                    ),
                    (
                        "P4",
                        &(terrace.id),
                        4,
                        8,
                        "rect",
                        json!(["outdoor", "accessible"]),
                    ),
                ];
                for (i, (name, area, min, max, shape, tags)) in specs.iter().enumerate() {
                    let inventory = if name.starts_with('B') {
                        "walk_in"
                    } else {
                        "online"
                    };
                    let t = res(json!({"kind": "table", "name": name, "area_id": area, "min_seats": min, "max_seats": max,
                        "shape": shape, "tags": tags, "inventory": inventory,
                        "pos_x": 80 + (i as i64 % 6) * 150, "pos_y": if i < 8 { 200 + (i as i64 / 6) * 250 } else { 800 }}))
                    .await?;
                    tables.push(t.id);
                }
                for (name, members, min, max) in [
                    ("T1+T2", vec![tables[0], tables[1]], 3, 4),
                    ("T3+T4", vec![tables[2], tables[3]], 5, 8),
                    ("P1+P2+P3", vec![tables[8], tables[9], tables[10]], 7, 12),
                ] {
                    self.create_combo(
                        ctx,
                        loc,
                        &crate::catalogue::ComboIn {
                            name: name.into(),
                            min_seats: min,
                            max_seats: max,
                            table_ids: members,
                        },
                    )
                    .await?;
                }
                let turns = json!([{"max_party": 2, "minutes": 75}, {"max_party": 4, "minutes": 105}, {"max_party": 50, "minutes": 135}]);
                self.create_period(ctx, loc, &input(json!({"name": "Lunch", "weekdays": [2, 3, 4, 5, 6, 7], "start_min": 660,
                    "last_seating_min": 810, "slot_step_min": 15, "turn_times": turns, "max_covers_per_slot": 16})))
                .await?;
                let turns = json!([{"max_party": 2, "minutes": 90}, {"max_party": 4, "minutes": 120}, {"max_party": 50, "minutes": 150}]);
                self.create_period(ctx, loc, &input(json!({"name": "Dinner", "weekdays": [2, 3, 4, 5, 6, 7], "start_min": 1050,
                    "last_seating_min": 1290, "slot_step_min": 15, "turn_times": turns, "max_covers_per_slot": 20,
                    "pacing_interval_min": 30, "pacing_max_covers": 30, "online_share_pct": 80})))
                .await?;
                self.set_booking_rules(
                    ctx,
                    loc,
                    &input(
                        json!({"slot_step_min": 15, "min_notice_min": 30, "window_days": 30,
                    "cancel_cutoff_min": 120, "edit_cutoff_min": 120}),
                    ),
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}
