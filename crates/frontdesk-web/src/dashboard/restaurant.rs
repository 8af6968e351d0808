//! The restaurant screens of the catalogue (promise B3; C3 for slot steps and pacing): areas,
//! tables (resources of kind `table` with seats, shape, floor position, requirement tags and
//! inventory), table combinations, and service periods with turn times by party size.
//!
//! They follow [`super::catalogue`]: handlers call the catalogue use cases only; owners and
//! admins edit, other roles see the same pages read-only and a refused form comes back as a
//! flash message; a form with bad input is shown again as typed, with the use case's messages
//! beside the fields, and nothing is written. The tabs show for a location with tables, areas or
//! service periods (see [`Head`]); the Team & rooms tab links here for the first table.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use frontdesk_app::catalogue::{
    AreaIn, ComboIn, INVENTORIES, PeriodIn, REQUIREMENT_TAGS, ResourceIn, TABLE_SHAPES, TurnTime,
    weekdays_of,
};
use frontdesk_app::{AppError, Ctx};
use frontdesk_core::{AreaId, ComboId, PeriodId, ResourceId};
use frontdesk_store::{Area, Resource, ServicePeriod, TableCombo};

use super::catalogue::{
    Head, LocQuery, Vals, WEEKDAYS, act, hm, loc_q, location_of, minutes, num, opt, refused_with,
    rename, status,
};
use super::desk::{Place, get_all};
use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageError, PageResult, has_layout,
    redirect_flash, render,
};
use crate::AppState;
use crate::extract::Staff;

type Pairs = Vec<(String, String)>;

// ----- words ----------------------------------------------------------------------------------

fn shape_label(s: &str) -> &'static str {
    match s {
        "round" => "Round",
        "square" => "Square",
        "rect" => "Rectangular",
        "booth" => "Booth",
        "bar" => "Bar seats",
        _ => "",
    }
}

fn inventory_label(s: &str) -> &'static str {
    match s {
        "online" => "Online and by staff",
        "in_house" => "By staff only",
        "walk_in" => "Kept for walk-ins",
        _ => "",
    }
}

/// `high_chair` → `High chair`.
fn tag_label(t: &str) -> String {
    let t = t.replace('_', " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn seats(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (None, Some(b)) => b.to_string(),
        _ => "—".into(),
    }
}

/// Weekdays as `Mon–Sat` or `Mon, Wed, Fri` (runs of three or more joined by a dash).
fn days_text(days: &[i64]) -> String {
    let mut d: Vec<i64> = days
        .iter()
        .copied()
        .filter(|d| (1..=7).contains(d))
        .collect();
    d.sort_unstable();
    d.dedup();
    let short = |n: i64| &WEEKDAYS[(n - 1) as usize][..3];
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let mut j = i;
        while j + 1 < d.len() && d[j + 1] == d[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            out.push(format!("{}–{}", short(d[i]), short(d[j])));
        } else {
            out.extend((i..=j).map(|k| short(d[k]).to_string()));
        }
        i = j + 1;
    }
    out.join(", ")
}

/// Helper lists the table form's selects and checkboxes are drawn from.
pub struct Choices {
    /// Areas: id, name.
    pub areas: Vec<(String, String)>,
    /// Shapes: value, label.
    pub shapes: Vec<(&'static str, &'static str)>,
    /// Inventories: value, label.
    pub inventories: Vec<(&'static str, &'static str)>,
    /// Requirement tags: value, label.
    pub tags: Vec<(&'static str, String)>,
}

impl Choices {
    fn of(areas: &[Area]) -> Self {
        Choices {
            areas: areas
                .iter()
                .map(|a| (a.id.to_string(), a.name.clone()))
                .collect(),
            shapes: TABLE_SHAPES.iter().map(|s| (*s, shape_label(s))).collect(),
            inventories: INVENTORIES
                .iter()
                .map(|s| (*s, inventory_label(s)))
                .collect(),
            tags: REQUIREMENT_TAGS
                .iter()
                .map(|t| (*t, tag_label(t)))
                .collect(),
        }
    }
}

/// An optional whole number: None when empty.
fn opt_num(f: &Vals, field: &str, errs: &mut Errors) -> Option<i64> {
    if f.get(field).trim().is_empty() {
        None
    } else {
        Some(num(f, field, None, errs))
    }
}

/// The 404 page for an id of the wrong kind.
fn not_found(layout: &Layout) -> PageError {
    PageError::app(AppError::NotFound, layout)
}

/// `max_seats` below `min_seats`, in the form's words (other messages about it stay).
fn seats_rename(e: AppError) -> AppError {
    match e {
        AppError::Invalid(list) => AppError::Invalid(
            list.into_iter()
                .map(|mut i| {
                    if i.field == "max_seats" && i.message.contains("min_seats") {
                        i.message = "must not be less than the fewest".into();
                    }
                    i
                })
                .collect(),
        ),
        e => e,
    }
}

// ----- tables and areas -----------------------------------------------------------------------

/// A table as listed.
pub struct TableRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `2–4`.
    pub seats: String,
    /// Shape in words.
    pub shape: &'static str,
    /// Requirement tags in words.
    pub tags: Vec<String>,
    /// Who may book it, in words.
    pub inventory: &'static str,
    /// `x 120, y 300` or empty.
    pub position: String,
    /// Bookable.
    pub active: bool,
}

fn table_row(r: &Resource) -> TableRow {
    let tags: Vec<String> = serde_json::from_str(&r.tags).unwrap_or_default();
    TableRow {
        id: r.id.to_string(),
        name: r.name.clone(),
        seats: seats(r.min_seats, r.max_seats),
        shape: r.shape.as_deref().map(shape_label).unwrap_or(""),
        tags: tags.iter().map(|t| tag_label(t)).collect(),
        inventory: inventory_label(&r.inventory),
        position: match (r.pos_x, r.pos_y) {
            (Some(x), Some(y)) => format!("x {x}, y {y}"),
            _ => String::new(),
        },
        active: r.active,
    }
}

/// An area with its tables (`id` empty: the tables without an area).
pub struct AreaTables {
    /// Area id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Its tables.
    pub tables: Vec<TableRow>,
}

/// The tables of a location grouped by area, with the forms to add a table and an area.
#[derive(Template)]
#[template(path = "catalogue_tables.html")]
pub struct TablesPage {
    layout: Layout,
    head: Head,
    groups: Vec<AreaTables>,
    count: usize,
    choices: Choices,
    form: Vals,
    area_form: Vals,
    /// The form that was refused (`table`, `area`), whose errors show.
    failed: &'static str,
    errors: Errors,
}

/// What the tables page shows instead of the defaults.
#[derive(Default)]
struct TablesTyped {
    table: Option<Vals>,
    area: Option<Vals>,
}

fn new_table_vals() -> Vals {
    let mut v = Vals::default();
    for (k, x) in [
        ("min_seats", "1"),
        ("max_seats", "2"),
        ("inventory", "online"),
        ("active", "1"),
    ] {
        v.set(k, x);
    }
    v
}

fn table_vals(r: &Resource) -> Vals {
    let mut v = Vals::default();
    v.set("name", r.name.clone());
    v.set(
        "area_id",
        r.area_id.map(|a| a.to_string()).unwrap_or_default(),
    );
    v.set(
        "min_seats",
        r.min_seats.map(|n| n.to_string()).unwrap_or_default(),
    );
    v.set(
        "max_seats",
        r.max_seats.map(|n| n.to_string()).unwrap_or_default(),
    );
    v.set("shape", r.shape.clone().unwrap_or_default());
    v.set("pos_x", r.pos_x.map(|n| n.to_string()).unwrap_or_default());
    v.set("pos_y", r.pos_y.map(|n| n.to_string()).unwrap_or_default());
    for t in serde_json::from_str::<Vec<String>>(&r.tags).unwrap_or_default() {
        v.set("tags", t);
    }
    v.set("inventory", r.inventory.clone());
    if r.active {
        v.set("active", "1");
    }
    v
}

fn blank_table() -> ResourceIn {
    ResourceIn {
        kind: "table".into(),
        name: String::new(),
        description: None,
        user_id: None,
        quantity: None,
        area_id: None,
        min_seats: None,
        max_seats: None,
        shape: None,
        pos_x: None,
        pos_y: None,
        tags: Vec::new(),
        inventory: None,
        own_hours: false,
        colour: None,
        sort_order: 0,
        active: true,
    }
}

/// The table the form describes, on top of `base` (what is stored, or a blank table).
fn table_in(f: &Vals, mut base: ResourceIn, errs: &mut Errors) -> ResourceIn {
    base.name = f.get("name").to_string();
    base.area_id = match f.get("area_id").trim() {
        "" => None,
        s => match s.parse::<AreaId>() {
            Ok(a) => Some(a),
            Err(_) => {
                errs.merge(Errors::field("area_id", "is not an area of this location"));
                None
            }
        },
    };
    base.min_seats = Some(num(f, "min_seats", None, errs));
    base.max_seats = Some(num(f, "max_seats", None, errs));
    base.shape = opt(f.get("shape"));
    base.pos_x = opt_num(f, "pos_x", errs);
    base.pos_y = opt_num(f, "pos_y", errs);
    base.tags = get_all(&f.0, "tags");
    base.inventory = Some(opt(f.get("inventory")).unwrap_or_else(|| "online".into()));
    base.active = f.on("active");
    base
}

fn table_refused(e: AppError) -> AppError {
    let e = match e {
        AppError::MissingRef("area_id") => {
            AppError::invalid("area_id", "is not an area of this location")
        }
        e => e,
    };
    seats_rename(e)
}

const TABLE_TAKEN: &[(&str, &str, &str)] = &[(
    "name_taken",
    "name",
    "is already the name of another table here",
)];

async fn tables_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    typed: TablesTyped,
    errors: Errors,
) -> PageResult {
    let loc = place.loc.id;
    let areas = state.app.areas(ctx, loc).await.or_page(&layout)?;
    let tables = state
        .app
        .resources(ctx, loc, Some("table"))
        .await
        .or_page(&layout)?;
    let mut groups: Vec<AreaTables> = areas
        .iter()
        .map(|a| AreaTables {
            id: a.id.to_string(),
            name: a.name.clone(),
            tables: tables
                .iter()
                .filter(|t| t.area_id == Some(a.id))
                .map(table_row)
                .collect(),
        })
        .collect();
    let loose: Vec<TableRow> = tables
        .iter()
        .filter(|t| !t.area_id.is_some_and(|a| areas.iter().any(|x| x.id == a)))
        .map(table_row)
        .collect();
    if !loose.is_empty() {
        groups.push(AreaTables {
            id: String::new(),
            name: if areas.is_empty() {
                "Tables".into()
            } else {
                "No area".into()
            },
            tables: loose,
        });
    }
    let failed = if typed.area.is_some() {
        "area"
    } else {
        "table"
    };
    let page = TablesPage {
        head: Head::of(state, ctx, &layout, &place, "tables").await?,
        groups,
        count: tables.len(),
        choices: Choices::of(&areas),
        form: typed.table.unwrap_or_else(new_table_vals),
        area_form: typed.area.unwrap_or_default(),
        failed,
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/tables
pub async fn tables(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    tables_page(
        &state,
        &ctx,
        layout,
        place,
        TablesTyped::default(),
        Errors::none(),
    )
    .await
}

/// POST /app/catalogue/tables
pub async fn create_table(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/tables?location={}", place.loc.id);
    let mut errors = Errors::none();
    let input = table_in(&f, blank_table(), &mut errors);
    if !errors.any() {
        match state.app.create_resource(&ctx, place.loc.id, &input).await {
            Ok(r) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Table “{}” added.", r.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, table_refused(e), TABLE_TAKEN) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = TablesTyped {
        table: Some(f),
        ..TablesTyped::default()
    };
    tables_page(&state, &ctx, layout, place, typed, errors).await
}

/// One table: its form and its deletion.
#[derive(Template)]
#[template(path = "catalogue_table.html")]
pub struct TablePage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    choices: Choices,
    combos: Vec<String>,
    form: Vals,
    errors: Errors,
}

/// A table of this business, or the 404 page (also for a resource of another kind).
async fn table_of(
    state: &AppState,
    ctx: &Ctx,
    layout: &Layout,
    id: ResourceId,
) -> Result<Resource, PageError> {
    let r = state.app.resource(ctx, id).await.or_page(layout)?;
    if r.kind != "table" {
        return Err(not_found(layout));
    }
    Ok(r)
}

async fn table_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: ResourceId,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let r = table_of(state, ctx, &layout, id).await?;
    let (loc, _) = location_of(state, ctx, &layout, r.location_id).await?;
    let areas = state.app.areas(ctx, loc.id).await.or_page(&layout)?;
    let combos = state.app.combos(ctx, loc.id).await.or_page(&layout)?;
    let page = TablePage {
        head: Head::of_loc(state, ctx, &layout, &loc, "tables").await?,
        id: id.to_string(),
        title: r.name.clone(),
        choices: Choices::of(&areas),
        combos: combos
            .iter()
            .filter(|c| c.members.contains(&id))
            .map(|c| c.name.clone())
            .collect(),
        form: form.unwrap_or_else(|| table_vals(&r)),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/tables/{id}
pub async fn table(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
) -> PageResult {
    table_page(&state, &ctx, layout, id, None, Errors::none()).await
}

/// POST /app/catalogue/tables/{id}
pub async fn update_table(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let old = table_of(&state, &ctx, &layout, id).await?;
    let back = format!("/app/catalogue/tables/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let input = table_in(&f, ResourceIn::from_row(&old), &mut errors);
    if !errors.any() {
        match state.app.update_resource(&ctx, id, &input).await {
            Ok(r) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Table “{}” saved.", r.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, table_refused(e), TABLE_TAKEN) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    table_page(&state, &ctx, layout, id, Some(f), errors).await
}

/// POST /app/catalogue/tables/{id}/delete
pub async fn delete_table(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
) -> PageResult {
    let old = table_of(&state, &ctx, &layout, id).await?;
    let r = state.app.delete_resource(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/tables?location={}", old.location_id),
        &format!("/app/catalogue/tables/{id}"),
        r,
        &format!("Table “{}” deleted.", old.name),
    )
}

/// POST /app/catalogue/areas — a new area goes after the others.
pub async fn create_area(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/tables?location={}", place.loc.id);
    let areas = state.app.areas(&ctx, place.loc.id).await.or_page(&layout)?;
    let input = AreaIn {
        name: f.get("area_name").to_string(),
        sort_order: areas.iter().map(|a| a.sort_order).max().unwrap_or(0) + 1,
    };
    let errors = match state.app.create_area(&ctx, place.loc.id, &input).await {
        Ok(a) => {
            return Ok(redirect_flash(
                &state,
                &back,
                Flash::ok(format!("Area “{}” added.", a.name)),
            ));
        }
        Err(e) => {
            let e = rename(e, |field| {
                (field == "name").then(|| ("area_name".to_string(), None))
            });
            let taken = [(
                "name_taken",
                "area_name",
                "is already the name of another area here",
            )];
            match refused_with(&state, &layout, &back, e, &taken) {
                Ok(e) => e,
                Err(r) => return *r,
            }
        }
    };
    let typed = TablesTyped {
        area: Some(f),
        ..TablesTyped::default()
    };
    tables_page(&state, &ctx, layout, place, typed, errors).await
}

/// One area: rename, reorder, delete; its tables.
#[derive(Template)]
#[template(path = "catalogue_area.html")]
pub struct AreaPage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    tables: Vec<TableRow>,
    form: Vals,
    errors: Errors,
}

async fn area_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: AreaId,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let a = state.app.area(ctx, id).await.or_page(&layout)?;
    let (loc, _) = location_of(state, ctx, &layout, a.location_id).await?;
    let tables = state
        .app
        .resources(ctx, loc.id, Some("table"))
        .await
        .or_page(&layout)?;
    let page = AreaPage {
        head: Head::of_loc(state, ctx, &layout, &loc, "tables").await?,
        id: id.to_string(),
        title: a.name.clone(),
        tables: tables
            .iter()
            .filter(|t| t.area_id == Some(id))
            .map(table_row)
            .collect(),
        form: form.unwrap_or_else(|| {
            let mut v = Vals::default();
            v.set("name", a.name.clone());
            v.set("sort_order", a.sort_order.to_string());
            v
        }),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/areas/{id}
pub async fn area(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<AreaId>,
) -> PageResult {
    area_page(&state, &ctx, layout, id, None, Errors::none()).await
}

/// POST /app/catalogue/areas/{id}
pub async fn update_area(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<AreaId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let old = state.app.area(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/areas/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let input = AreaIn {
        name: f.get("name").to_string(),
        sort_order: num(&f, "sort_order", Some(old.sort_order), &mut errors),
    };
    if !errors.any() {
        match state.app.update_area(&ctx, id, &input).await {
            Ok(a) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Area “{}” saved.", a.name)),
                ));
            }
            Err(e) => {
                let taken = [(
                    "name_taken",
                    "name",
                    "is already the name of another area here",
                )];
                match refused_with(&state, &layout, &back, e, &taken) {
                    Ok(e) => errors = e,
                    Err(r) => return *r,
                }
            }
        }
    }
    area_page(&state, &ctx, layout, id, Some(f), errors).await
}

/// POST /app/catalogue/areas/{id}/delete — its tables stay, without an area.
pub async fn delete_area(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<AreaId>,
) -> PageResult {
    let old = state.app.area(&ctx, id).await.or_page(&layout)?;
    let r = state.app.delete_area(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/tables?location={}", old.location_id),
        &format!("/app/catalogue/areas/{id}"),
        r,
        &format!("Area “{}” deleted; its tables have no area now.", old.name),
    )
}

// ----- table combinations ---------------------------------------------------------------------

/// A combination as listed.
pub struct ComboRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `T1 + T2`.
    pub tables: String,
    /// `3–4`.
    pub seats: String,
}

/// A table to tick in a combination form: id, name with area and seats.
pub struct TableChoice {
    /// Id.
    pub id: String,
    /// `T1 (Indoor, 1–2 seats)`.
    pub label: String,
}

fn table_choices(tables: &[Resource], areas: &[Area]) -> Vec<TableChoice> {
    tables
        .iter()
        .map(|t| {
            let area = t
                .area_id
                .and_then(|a| areas.iter().find(|x| x.id == a))
                .map(|a| format!("{}, ", a.name))
                .unwrap_or_default();
            TableChoice {
                id: t.id.to_string(),
                label: format!(
                    "{} ({area}{} seats)",
                    t.name,
                    seats(t.min_seats, t.max_seats)
                ),
            }
        })
        .collect()
}

fn combo_vals(c: &TableCombo) -> Vals {
    let mut v = Vals::default();
    v.set("name", c.name.clone());
    v.set("min_seats", c.min_seats.to_string());
    v.set("max_seats", c.max_seats.to_string());
    for m in &c.members {
        v.set("table", m.to_string());
    }
    v
}

fn combo_in(f: &Vals, errs: &mut Errors) -> ComboIn {
    let mut table_ids = Vec::new();
    for v in get_all(&f.0, "table") {
        match v.parse::<ResourceId>() {
            Ok(id) => table_ids.push(id),
            Err(_) => errs.merge(Errors::field(
                "table_ids",
                "must be tables of this location",
            )),
        }
    }
    ComboIn {
        name: f.get("name").to_string(),
        min_seats: num(f, "min_seats", None, errs),
        max_seats: num(f, "max_seats", None, errs),
        table_ids,
    }
}

/// Names the failures of a combination in the form's words; a table of another location or
/// business is "not a table of this location" (promise T1: nothing says whose it is).
fn combo_refused(e: AppError) -> AppError {
    let e = match e {
        AppError::MissingRef(_) => {
            AppError::invalid("table_ids", "must be tables of this location")
        }
        e => e,
    };
    let e = rename(e, |field| match field {
        "table_ids" => None,
        f if f.starts_with("table_ids") => Some(("table_ids".into(), None)),
        _ => None,
    });
    let e = match e {
        AppError::Invalid(list) => AppError::Invalid(
            list.into_iter()
                .map(|mut i| {
                    if i.field == "table_ids" && i.message.contains("2 to 10") {
                        i.message = "must be 2 to 10 different tables".into();
                    } else if i.field == "table_ids" && i.message.contains("of kind") {
                        i.message = "must be tables of this location".into();
                    }
                    i
                })
                .collect(),
        ),
        e => e,
    };
    seats_rename(e)
}

/// The combinations of a location, with the form to add one.
#[derive(Template)]
#[template(path = "catalogue_combos.html")]
pub struct CombosPage {
    layout: Layout,
    head: Head,
    combos: Vec<ComboRow>,
    tables: Vec<TableChoice>,
    form: Vals,
    errors: Errors,
}

async fn combos_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let loc = place.loc.id;
    let combos = state.app.combos(ctx, loc).await.or_page(&layout)?;
    let tables = state
        .app
        .resources(ctx, loc, Some("table"))
        .await
        .or_page(&layout)?;
    let areas = state.app.areas(ctx, loc).await.or_page(&layout)?;
    let name = |id: &ResourceId| {
        tables
            .iter()
            .find(|t| t.id == *id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let page = CombosPage {
        head: Head::of(state, ctx, &layout, &place, "combos").await?,
        combos: combos
            .iter()
            .map(|c| ComboRow {
                id: c.id.to_string(),
                name: c.name.clone(),
                tables: c.members.iter().map(name).collect::<Vec<_>>().join(" + "),
                seats: seats(Some(c.min_seats), Some(c.max_seats)),
            })
            .collect(),
        tables: table_choices(&tables, &areas),
        form: form.unwrap_or_default(),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/combos
pub async fn combos(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    combos_page(&state, &ctx, layout, place, None, Errors::none()).await
}

/// POST /app/catalogue/combos
pub async fn create_combo(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/combos?location={}", place.loc.id);
    let mut errors = Errors::none();
    let input = combo_in(&f, &mut errors);
    if !errors.any() {
        match state.app.create_combo(&ctx, place.loc.id, &input).await {
            Ok(c) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Combination “{}” added.", c.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, combo_refused(e), &[]) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    combos_page(&state, &ctx, layout, place, Some(f), errors).await
}

/// One combination: its form and its deletion.
#[derive(Template)]
#[template(path = "catalogue_combo.html")]
pub struct ComboPage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    tables: Vec<TableChoice>,
    form: Vals,
    errors: Errors,
}

async fn combo_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: ComboId,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let c = state.app.combo(ctx, id).await.or_page(&layout)?;
    let (loc, _) = location_of(state, ctx, &layout, c.location_id).await?;
    let tables = state
        .app
        .resources(ctx, loc.id, Some("table"))
        .await
        .or_page(&layout)?;
    let areas = state.app.areas(ctx, loc.id).await.or_page(&layout)?;
    let page = ComboPage {
        head: Head::of_loc(state, ctx, &layout, &loc, "combos").await?,
        id: id.to_string(),
        title: c.name.clone(),
        tables: table_choices(&tables, &areas),
        form: form.unwrap_or_else(|| combo_vals(&c)),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/combos/{id}
pub async fn combo(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ComboId>,
) -> PageResult {
    combo_page(&state, &ctx, layout, id, None, Errors::none()).await
}

/// POST /app/catalogue/combos/{id}
pub async fn update_combo(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ComboId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    state.app.combo(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/combos/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let input = combo_in(&f, &mut errors);
    if !errors.any() {
        match state.app.update_combo(&ctx, id, &input).await {
            Ok(c) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Combination “{}” saved.", c.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, combo_refused(e), &[]) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    combo_page(&state, &ctx, layout, id, Some(f), errors).await
}

/// POST /app/catalogue/combos/{id}/delete
pub async fn delete_combo(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ComboId>,
) -> PageResult {
    let old = state.app.combo(&ctx, id).await.or_page(&layout)?;
    let r = state.app.delete_combo(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/combos?location={}", old.location_id),
        &format!("/app/catalogue/combos/{id}"),
        r,
        &format!("Combination “{}” deleted.", old.name),
    )
}

// ----- service periods ------------------------------------------------------------------------

/// A service period as listed.
pub struct PeriodRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `Mon–Sat`.
    pub days: String,
    /// `18:00–21:30`.
    pub seatings: String,
    /// `30 min`.
    pub step: String,
    /// `up to 2: 90 min` …
    pub turns: Vec<String>,
    /// Covers per slot and pacing, in words.
    pub pacing: String,
}

fn period_row(p: &ServicePeriod) -> PeriodRow {
    let input = PeriodIn::from_row(p);
    let mut pacing = Vec::new();
    if let Some(n) = p.max_covers_per_slot {
        pacing.push(format!("{n} covers per slot"));
    }
    if let (Some(i), Some(n)) = (p.pacing_interval_min, p.pacing_max_covers) {
        pacing.push(format!("{n} covers per {i} min"));
    }
    if let Some(s) = p.online_share_pct {
        pacing.push(format!("{s}% online"));
    }
    PeriodRow {
        id: p.id.to_string(),
        name: p.name.clone(),
        days: days_text(&input.weekdays),
        seatings: format!("{}–{}", hm(p.start_min), hm(p.last_seating_min)),
        step: format!("{} min", p.slot_step_min),
        turns: input
            .turn_times
            .iter()
            .map(|t| format!("up to {}: {} min", t.max_party, t.minutes))
            .collect(),
        pacing: if pacing.is_empty() {
            "—".into()
        } else {
            pacing.join(", ")
        },
    }
}

/// One row of the turn-time editor.
pub struct TurnRow {
    /// Field of the party size (`tt1_party`…).
    pub party_field: String,
    /// Party size as typed.
    pub party: String,
    /// Field of the minutes (`tt1_min`…).
    pub min_field: String,
    /// Minutes as typed.
    pub minutes: String,
}

/// The turn-time rows a form shows: those filled in, then blank ones (at least three rows).
fn turn_rows(f: &Vals) -> Vec<TurnRow> {
    let filled = (1..=MAX_TURNS)
        .rev()
        .find(|i| {
            !f.get(&format!("tt{i}_party")).trim().is_empty()
                || !f.get(&format!("tt{i}_min")).trim().is_empty()
        })
        .unwrap_or(0);
    (1..=(filled + 2).clamp(3, MAX_TURNS))
        .map(|i| {
            let (party_field, min_field) = (format!("tt{i}_party"), format!("tt{i}_min"));
            TurnRow {
                party: f.get(&party_field).to_string(),
                minutes: f.get(&min_field).to_string(),
                party_field,
                min_field,
            }
        })
        .collect()
}

/// At most this many turn times (the use case's limit).
const MAX_TURNS: usize = 20;

fn period_vals(p: &ServicePeriod) -> Vals {
    let input = PeriodIn::from_row(p);
    let mut v = Vals::default();
    v.set("name", p.name.clone());
    for d in weekdays_of(&p.weekdays) {
        v.set("weekday", d.to_string());
    }
    v.set("start", hm(p.start_min));
    v.set("last_seating", hm(p.last_seating_min));
    v.set("slot_step_min", p.slot_step_min.to_string());
    for (i, t) in input.turn_times.iter().enumerate() {
        v.set(&format!("tt{}_party", i + 1), t.max_party.to_string());
        v.set(&format!("tt{}_min", i + 1), t.minutes.to_string());
    }
    let o = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    v.set("max_covers_per_slot", o(p.max_covers_per_slot));
    v.set("pacing_interval_min", o(p.pacing_interval_min));
    v.set("pacing_max_covers", o(p.pacing_max_covers));
    v.set("online_share_pct", o(p.online_share_pct));
    v
}

fn new_period_vals() -> Vals {
    let mut v = Vals::default();
    v.set("slot_step_min", "15");
    v
}

/// The period the form describes, and the form row of each turn time.
fn period_in(f: &Vals, errs: &mut Errors) -> (PeriodIn, Vec<usize>) {
    let mut weekdays = Vec::new();
    for d in get_all(&f.0, "weekday") {
        match d.trim().parse::<i64>() {
            Ok(d) => weekdays.push(d),
            Err(_) => errs.merge(Errors::field("weekdays", "must be days of the week")),
        }
    }
    let mut time = |k: &str| {
        let v = f.get(k);
        minutes(v).unwrap_or_else(|| {
            errs.merge(Errors::field(
                k,
                if v.trim().is_empty() {
                    "is required"
                } else {
                    "must be a time such as 18:00"
                },
            ));
            0
        })
    };
    let start_min = time("start");
    let last_seating_min = time("last_seating");
    let mut turn_times = Vec::new();
    let mut rows = Vec::new();
    for i in 1..=MAX_TURNS {
        let (pk, mk) = (format!("tt{i}_party"), format!("tt{i}_min"));
        if f.get(&pk).trim().is_empty() && f.get(&mk).trim().is_empty() {
            continue;
        }
        turn_times.push(TurnTime {
            max_party: num(f, &pk, None, errs),
            minutes: num(f, &mk, None, errs),
        });
        rows.push(i);
    }
    let input = PeriodIn {
        name: f.get("name").to_string(),
        weekdays,
        start_min,
        last_seating_min,
        slot_step_min: num(f, "slot_step_min", Some(15), errs),
        turn_times,
        max_covers_per_slot: opt_num(f, "max_covers_per_slot", errs),
        pacing_interval_min: opt_num(f, "pacing_interval_min", errs),
        pacing_max_covers: opt_num(f, "pacing_max_covers", errs),
        online_share_pct: opt_num(f, "online_share_pct", errs),
    };
    (input, rows)
}

/// The use case's field names → the form's (`turn_times[1].minutes` → `tt2_min`), with words
/// for people.
fn period_rename(e: AppError, rows: &[usize]) -> AppError {
    let AppError::Invalid(list) = e else {
        return e;
    };
    let turn = |f: &str| {
        let rest = f.strip_prefix("turn_times[")?;
        let (i, k) = rest.split_once("].")?;
        let row = rows.get(i.parse::<usize>().ok()?)?;
        match k {
            "max_party" => Some(format!("tt{row}_party")),
            "minutes" => Some(format!("tt{row}_min")),
            _ => None,
        }
    };
    AppError::Invalid(
        list.into_iter()
            .map(|mut i| {
                match i.field.as_str() {
                    "start_min" => {
                        i.field = "start".into();
                        i.message = "must be a time such as 18:00".into();
                    }
                    "last_seating_min" => {
                        i.field = "last_seating".into();
                        i.message = "must not be before the first seating".into();
                    }
                    "turn_times" => i.message = "need at least one row (at most 20)".into(),
                    "pacing_max_covers" if i.message.contains("needs both") => {
                        i.message =
                            "and the pacing window go together: fill in both or neither".into();
                    }
                    f => {
                        if let Some(field) = turn(f) {
                            i.field = field;
                        }
                    }
                }
                i
            })
            .collect(),
    )
}

/// The weekday checkboxes: value, name, ticked.
fn day_choices(f: &Vals) -> Vec<(String, &'static str, bool)> {
    (1..=7)
        .map(|d| {
            let v = d.to_string();
            let on = f.has("weekday", &v);
            (v, WEEKDAYS[d - 1], on)
        })
        .collect()
}

/// The service periods of a location, with the form to add one.
#[derive(Template)]
#[template(path = "catalogue_periods.html")]
pub struct PeriodsPage {
    layout: Layout,
    head: Head,
    periods: Vec<PeriodRow>,
    days: Vec<(String, &'static str, bool)>,
    turns: Vec<TurnRow>,
    form: Vals,
    errors: Errors,
}

impl PeriodsPage {
    /// The fields of the form, whose messages show beside them.
    pub fn shown(&self) -> Vec<&str> {
        period_shown(&self.turns)
    }
}

fn period_shown(turns: &[TurnRow]) -> Vec<&str> {
    let mut v = vec![
        "name",
        "weekdays",
        "start",
        "last_seating",
        "slot_step_min",
        "turn_times",
        "max_covers_per_slot",
        "pacing_interval_min",
        "pacing_max_covers",
        "online_share_pct",
    ];
    for t in turns {
        v.push(&t.party_field);
        v.push(&t.min_field);
    }
    v
}

async fn periods_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let periods = state
        .app
        .periods(ctx, place.loc.id)
        .await
        .or_page(&layout)?;
    let form = form.unwrap_or_else(new_period_vals);
    let page = PeriodsPage {
        head: Head::of(state, ctx, &layout, &place, "periods").await?,
        periods: periods.iter().map(period_row).collect(),
        days: day_choices(&form),
        turns: turn_rows(&form),
        form,
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/periods
pub async fn periods(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    periods_page(&state, &ctx, layout, place, None, Errors::none()).await
}

/// POST /app/catalogue/periods
pub async fn create_period(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/periods?location={}", place.loc.id);
    let mut errors = Errors::none();
    let (input, rows) = period_in(&f, &mut errors);
    if !errors.any() {
        match state.app.create_period(&ctx, place.loc.id, &input).await {
            Ok(p) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Service period “{}” added.", p.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, period_rename(e, &rows), &[]) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    periods_page(&state, &ctx, layout, place, Some(f), errors).await
}

/// One service period: its form and its deletion.
#[derive(Template)]
#[template(path = "catalogue_period.html")]
pub struct PeriodPage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    days: Vec<(String, &'static str, bool)>,
    turns: Vec<TurnRow>,
    form: Vals,
    errors: Errors,
}

impl PeriodPage {
    /// The fields of the form, whose messages show beside them.
    pub fn shown(&self) -> Vec<&str> {
        period_shown(&self.turns)
    }
}

async fn period_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: PeriodId,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let p = state.app.period(ctx, id).await.or_page(&layout)?;
    let (loc, _) = location_of(state, ctx, &layout, p.location_id).await?;
    let form = form.unwrap_or_else(|| period_vals(&p));
    let page = PeriodPage {
        head: Head::of_loc(state, ctx, &layout, &loc, "periods").await?,
        id: id.to_string(),
        title: p.name.clone(),
        days: day_choices(&form),
        turns: turn_rows(&form),
        form,
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/periods/{id}
pub async fn period(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<PeriodId>,
) -> PageResult {
    period_page(&state, &ctx, layout, id, None, Errors::none()).await
}

/// POST /app/catalogue/periods/{id}
pub async fn update_period(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<PeriodId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    state.app.period(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/periods/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let (input, rows) = period_in(&f, &mut errors);
    if !errors.any() {
        match state.app.update_period(&ctx, id, &input).await {
            Ok(p) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Service period “{}” saved.", p.name)),
                ));
            }
            Err(e) => match refused_with(&state, &layout, &back, period_rename(e, &rows), &[]) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    period_page(&state, &ctx, layout, id, Some(f), errors).await
}

/// POST /app/catalogue/periods/{id}/delete
pub async fn delete_period(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<PeriodId>,
) -> PageResult {
    let old = state.app.period(&ctx, id).await.or_page(&layout)?;
    let r = state.app.delete_period(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/periods?location={}", old.location_id),
        &format!("/app/catalogue/periods/{id}"),
        r,
        &format!("Service period “{}” deleted.", old.name),
    )
}

has_layout!(
    TablesPage,
    TablePage,
    AreaPage,
    CombosPage,
    ComboPage,
    PeriodsPage,
    PeriodPage
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_days_seats_and_tags() {
        assert_eq!(days_text(&[1, 2, 3, 4, 5, 6]), "Mon–Sat");
        assert_eq!(days_text(&[1, 3, 5]), "Mon, Wed, Fri");
        assert_eq!(days_text(&[6, 7, 1]), "Mon, Sat, Sun");
        assert_eq!(days_text(&[1, 2, 4, 5, 6]), "Mon, Tue, Thu–Sat");
        assert_eq!(seats(Some(2), Some(4)), "2–4");
        assert_eq!(seats(Some(4), Some(4)), "4");
        assert_eq!(tag_label("high_chair"), "High chair");
    }

    #[test]
    fn turn_rows_follow_what_is_filled() {
        let mut v = Vals::default();
        assert_eq!(turn_rows(&v).len(), 3);
        v.set("tt4_party", "6");
        assert_eq!(turn_rows(&v).len(), 6);
        let mut e = Errors::none();
        v.set("tt4_min", "-30");
        v.set("start", "18:00");
        v.set("last_seating", "21:30");
        let (p, rows) = period_in(&v, &mut e);
        assert!(!e.any());
        assert_eq!(rows, [4]);
        assert_eq!(
            p.turn_times,
            [TurnTime {
                max_party: 6,
                minutes: -30
            }]
        );
        let renamed = period_rename(
            AppError::invalid("turn_times[0].minutes", "must be between 15 and 480"),
            &rows,
        );
        assert!(matches!(renamed, AppError::Invalid(l) if l[0].field == "tt4_min"));
    }
}
