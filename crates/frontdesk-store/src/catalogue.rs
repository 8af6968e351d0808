//! Tenant-scoped catalogue queries: resources, areas, table combinations, hours, exceptions,
//! services (with staff overrides and resource requirements), booking rules, service periods and
//! customers. Every query filters by the scope's tenant (promise T1); composite foreign keys that
//! lead with `tenant_id` make a cross-tenant reference impossible even for a buggy caller.

use frontdesk_core::*;

use crate::db::{StoreError, StoreResult, map_err};
use crate::models_catalogue::*;
use crate::tenant::{TenantRead, TenantWrite};

macro_rules! fetch {
    ($self:ident, $method:ident, $sql:expr $(, $b:expr)* $(,)?) => {{
        let sql: String = $sql.to_string();
        on_pool!(&$self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            $(.bind($b))*
            .$method(p)
            .await
            .map_err(map_err))
    }};
}

macro_rules! tx_fetch {
    ($self:ident, $method:ident, $sql:expr $(, $b:expr)* $(,)?) => {{
        let sql: String = $sql.to_string();
        on_tx!($self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            $(.bind($b))*
            .$method(c)
            .await
            .map_err(map_err))
    }};
}

macro_rules! exec {
    ($self:ident, $sql:expr $(, $b:expr)* $(,)?) => {{
        let sql: String = $sql.to_string();
        on_tx!($self.tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            $(.bind($b))*
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))
    }};
}

/// A delete refused by a foreign key (the row is still referenced, e.g. by bookings).
fn in_use(e: StoreError) -> StoreError {
    match e {
        StoreError::Db(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            StoreError::Conflict("in_use")
        }
        e => e,
    }
}

const AREA_COLS: &str = "tenant_id, id, location_id, name, sort_order, created_at_ms";
const RESOURCE_COLS: &str = "tenant_id, id, location_id, kind, name, description, user_id, quantity, area_id, min_seats, max_seats, shape, pos_x, pos_y, tags, inventory, own_hours, colour, sort_order, active, created_at_ms, updated_at_ms";
const COMBO_COLS: &str = "tenant_id, id, location_id, name, min_seats, max_seats, created_at_ms";
const HOURS_COLS: &str = "tenant_id, id, location_id, resource_id, weekday, start_min, end_min";
const EXC_COLS: &str = "tenant_id, id, location_id, resource_id, kind, starts_at_ms, ends_at_ms, reason, created_at_ms";
const SERVICE_COLS: &str = "tenant_id, id, location_id, name, category, description, duration_min, segments, price_minor, currency, buffer_before_min, buffer_after_min, capacity, online_bookable, prerequisite_service_id, promo_price_minor, promo_starts_at_ms, promo_ends_at_ms, colour, sort_order, active, created_at_ms, updated_at_ms";
const RULES_COLS: &str = "tenant_id, location_id, slot_step_min, min_notice_min, window_days, cancel_cutoff_min, edit_cutoff_min, require_confirmation, hold_minutes, updated_at_ms";
const PERIOD_COLS: &str = "tenant_id, id, location_id, name, weekdays, start_min, last_seating_min, slot_step_min, turn_times, max_covers_per_slot, pacing_interval_min, pacing_max_covers, online_share_pct, created_at_ms, updated_at_ms";
const CUSTOMER_COLS: &str = "tenant_id, id, name, phone, email, email_key, language, notes, tags, requirements, marketing_consent, marketing_consent_at_ms, marketing_consent_source, first_booking_at_ms, last_booking_at_ms, booking_count, no_show_count, last_verified_at_ms, created_at_ms, updated_at_ms";

impl TenantRead<'_> {
    /// Areas of a location, in display order.
    pub async fn areas(&self, location: LocationId) -> StoreResult<Vec<Area>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {AREA_COLS} FROM areas WHERE tenant_id = $1 AND location_id = $2 ORDER BY sort_order, name"
            ),
            self.tenant,
            location
        )
    }

    /// One area.
    pub async fn area(&self, id: AreaId) -> StoreResult<Option<Area>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {AREA_COLS} FROM areas WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// Resources of a location, optionally of one kind, in display order.
    pub async fn resources(
        &self,
        location: LocationId,
        kind: Option<&str>,
    ) -> StoreResult<Vec<Resource>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {RESOURCE_COLS} FROM resources WHERE tenant_id = $1 AND location_id = $2 AND ($3 IS NULL OR kind = $3) ORDER BY kind, sort_order, name"
            ),
            self.tenant,
            location,
            kind
        )
    }

    /// One resource.
    pub async fn resource(&self, id: ResourceId) -> StoreResult<Option<Resource>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {RESOURCE_COLS} FROM resources WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// The first location (in id order, as locations are listed) with an active table, if any.
    pub async fn first_table_location(&self) -> StoreResult<Option<LocationId>> {
        let row: Option<(LocationId,)> = fetch!(
            self,
            fetch_optional,
            "SELECT location_id FROM resources WHERE tenant_id = $1 AND kind = 'table' AND active = $2 ORDER BY location_id LIMIT 1",
            self.tenant,
            true
        )?;
        Ok(row.map(|r| r.0))
    }

    /// The staff resources linked to a team member.
    pub async fn resources_of_user(&self, user: UserId) -> StoreResult<Vec<Resource>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {RESOURCE_COLS} FROM resources WHERE tenant_id = $1 AND user_id = $2 ORDER BY id"
            ),
            self.tenant,
            user
        )
    }

    async fn combo_members(&self, combo: ComboId) -> StoreResult<Vec<ResourceId>> {
        let rows: Vec<(ResourceId,)> = fetch!(
            self,
            fetch_all,
            "SELECT resource_id FROM table_combo_members WHERE tenant_id = $1 AND combo_id = $2 ORDER BY resource_id",
            self.tenant,
            combo
        )?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Table combinations of a location, with their tables.
    pub async fn combos(&self, location: LocationId) -> StoreResult<Vec<TableCombo>> {
        let mut rows: Vec<TableCombo> = fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {COMBO_COLS} FROM table_combos WHERE tenant_id = $1 AND location_id = $2 ORDER BY name"
            ),
            self.tenant,
            location
        )?;
        for c in &mut rows {
            c.members = self.combo_members(c.id).await?;
        }
        Ok(rows)
    }

    /// One table combination, with its tables.
    pub async fn combo(&self, id: ComboId) -> StoreResult<Option<TableCombo>> {
        let row: Option<TableCombo> = fetch!(
            self,
            fetch_optional,
            format!("SELECT {COMBO_COLS} FROM table_combos WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )?;
        match row {
            Some(mut c) => {
                c.members = self.combo_members(c.id).await?;
                Ok(Some(c))
            }
            None => Ok(None),
        }
    }

    /// Every weekly interval of a location: its opening hours and its resources' own hours.
    pub async fn hours_for(&self, location: LocationId) -> StoreResult<Vec<Hours>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {HOURS_COLS} FROM hours WHERE tenant_id = $1 AND location_id = $2 ORDER BY resource_id, weekday, start_min"
            ),
            self.tenant,
            location
        )
    }

    /// Exceptions of a location (and its resources) overlapping `[from_ms, to_ms)`.
    pub async fn exceptions_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<ScheduleException>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {EXC_COLS} FROM schedule_exceptions WHERE tenant_id = $1 AND location_id = $2 AND starts_at_ms < $4 AND ends_at_ms > $3 ORDER BY starts_at_ms, id"
            ),
            self.tenant,
            location,
            from_ms,
            to_ms
        )
    }

    /// One exception.
    pub async fn exception(&self, id: ExceptionId) -> StoreResult<Option<ScheduleException>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {EXC_COLS} FROM schedule_exceptions WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// Services of a location, in display order.
    pub async fn services(&self, location: LocationId) -> StoreResult<Vec<Service>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {SERVICE_COLS} FROM services WHERE tenant_id = $1 AND location_id = $2 ORDER BY sort_order, name"
            ),
            self.tenant,
            location
        )
    }

    /// One service.
    pub async fn service(&self, id: ServiceId) -> StoreResult<Option<Service>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {SERVICE_COLS} FROM services WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// The staff who perform a service, with their overrides.
    pub async fn service_staff(&self, service: ServiceId) -> StoreResult<Vec<ServiceStaff>> {
        fetch!(
            self,
            fetch_all,
            "SELECT service_id, resource_id, duration_min, price_minor FROM service_staff WHERE tenant_id = $1 AND service_id = $2 ORDER BY resource_id",
            self.tenant,
            service
        )
    }

    /// The resource groups a service needs.
    pub async fn service_requirements(
        &self,
        service: ServiceId,
    ) -> StoreResult<Vec<ServiceRequirement>> {
        fetch!(
            self,
            fetch_all,
            "SELECT service_id, group_no, resource_id FROM service_requirements WHERE tenant_id = $1 AND service_id = $2 ORDER BY group_no, resource_id",
            self.tenant,
            service
        )
    }

    /// The booking rules of a location (defaults if never set).
    pub async fn rules(&self, location: LocationId) -> StoreResult<BookingRules> {
        let r: Option<BookingRules> = fetch!(
            self,
            fetch_optional,
            format!(
                "SELECT {RULES_COLS} FROM booking_rules WHERE tenant_id = $1 AND location_id = $2"
            ),
            self.tenant,
            location
        )?;
        Ok(r.unwrap_or_else(|| BookingRules::defaults(self.tenant, location)))
    }

    /// Service periods of a location.
    pub async fn periods(&self, location: LocationId) -> StoreResult<Vec<ServicePeriod>> {
        fetch!(
            self,
            fetch_all,
            format!(
                "SELECT {PERIOD_COLS} FROM service_periods WHERE tenant_id = $1 AND location_id = $2 ORDER BY start_min, name"
            ),
            self.tenant,
            location
        )
    }

    /// One service period.
    pub async fn period(&self, id: PeriodId) -> StoreResult<Option<ServicePeriod>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {PERIOD_COLS} FROM service_periods WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// Customers, oldest first, filtered; page on with `after` = the last id seen.
    pub async fn customers(&self, f: &CustomerFilter) -> StoreResult<Vec<Customer>> {
        let like = f
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let esc = s
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{esc}%")
            });
        let tag = f.tag.as_deref().map(|t| {
            format!(
                "%{}%",
                serde_json::to_string(t)
                    .unwrap_or_default()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let limit = f.limit.clamp(1, 200);
        fetch!(self, fetch_all, format!(
            "SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1
               AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\' OR phone LIKE $2 ESCAPE '\\' OR email_key LIKE $2 ESCAPE '\\')
               AND ($3 IS NULL OR tags LIKE $3 ESCAPE '\\')
               AND ($4 IS NULL OR id > $4)
             ORDER BY id LIMIT $5"),
            self.tenant, like.as_deref(), tag.as_deref(), f.after, limit)
    }

    /// One customer.
    pub async fn customer(&self, id: CustomerId) -> StoreResult<Option<Customer>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1 AND id = $2"),
            self.tenant,
            id
        )
    }

    /// The customer with this E.164 phone.
    pub async fn customer_by_phone(&self, phone: &str) -> StoreResult<Option<Customer>> {
        fetch!(
            self,
            fetch_optional,
            format!("SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1 AND phone = $2"),
            self.tenant,
            phone
        )
    }

    /// The customer with this e-mail (compared lower-cased).
    pub async fn customer_by_email(&self, email: &str) -> StoreResult<Option<Customer>> {
        fetch!(
            self,
            fetch_optional,
            format!(
                "SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1 AND email_key = $2"
            ),
            self.tenant,
            email.trim().to_lowercase()
        )
    }
}

impl TenantWrite<'_> {
    /// Adds an area.
    pub async fn insert_area(&mut self, a: &Area) -> StoreResult<()> {
        exec!(
            self,
            "INSERT INTO areas (tenant_id, id, location_id, name, sort_order, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
            self.tenant,
            a.id,
            a.location_id,
            &a.name,
            a.sort_order,
            a.created_at_ms
        )?;
        Ok(())
    }

    /// Renames or reorders an area. False if not found.
    pub async fn update_area(&mut self, a: &Area) -> StoreResult<bool> {
        let n = exec!(
            self,
            "UPDATE areas SET name = $3, sort_order = $4 WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            a.id,
            &a.name,
            a.sort_order
        )?;
        Ok(n == 1)
    }

    /// Deletes an area; its tables stay, without an area. False if not found.
    pub async fn delete_area(&mut self, id: AreaId) -> StoreResult<bool> {
        exec!(
            self,
            "UPDATE resources SET area_id = NULL WHERE tenant_id = $1 AND area_id = $2",
            self.tenant,
            id
        )?;
        let n = exec!(
            self,
            "DELETE FROM areas WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )
        .map_err(in_use)?;
        Ok(n == 1)
    }

    /// Adds a resource.
    pub async fn insert_resource(&mut self, r: &Resource) -> StoreResult<()> {
        exec!(
            self,
            format!(
                "INSERT INTO resources ({RESOURCE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
            ),
            self.tenant,
            r.id,
            r.location_id,
            &r.kind,
            &r.name,
            &r.description,
            r.user_id,
            r.quantity,
            r.area_id,
            r.min_seats,
            r.max_seats,
            &r.shape,
            r.pos_x,
            r.pos_y,
            &r.tags,
            &r.inventory,
            r.own_hours,
            &r.colour,
            r.sort_order,
            r.active,
            r.created_at_ms,
            r.updated_at_ms
        )?;
        Ok(())
    }

    /// Replaces a resource's fields (not its location or kind). False if not found.
    pub async fn update_resource(&mut self, r: &Resource) -> StoreResult<bool> {
        let n = exec!(self, "UPDATE resources SET name = $3, description = $4, user_id = $5, quantity = $6, area_id = $7, min_seats = $8,
                max_seats = $9, shape = $10, pos_x = $11, pos_y = $12, tags = $13, inventory = $14, own_hours = $15, colour = $16,
                sort_order = $17, active = $18, updated_at_ms = $19
             WHERE tenant_id = $1 AND id = $2",
            self.tenant, r.id, &r.name, &r.description, r.user_id, r.quantity, r.area_id, r.min_seats, r.max_seats,
            &r.shape, r.pos_x, r.pos_y, &r.tags, &r.inventory, r.own_hours, &r.colour, r.sort_order, r.active,
            r.updated_at_ms)?;
        Ok(n == 1)
    }

    /// Deletes a resource with its hours, exceptions, combination and service links. False if
    /// not found; `in_use` if something else (a booking) still refers to it.
    pub async fn delete_resource(&mut self, id: ResourceId) -> StoreResult<bool> {
        let n = exec!(
            self,
            "DELETE FROM resources WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )
        .map_err(in_use)?;
        Ok(n == 1)
    }

    /// Adds a table combination with its tables.
    pub async fn insert_combo(&mut self, c: &TableCombo) -> StoreResult<()> {
        exec!(
            self,
            format!("INSERT INTO table_combos ({COMBO_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            self.tenant,
            c.id,
            c.location_id,
            &c.name,
            c.min_seats,
            c.max_seats,
            c.created_at_ms
        )?;
        self.set_combo_members(c.id, &c.members).await
    }

    /// Replaces a table combination's fields and tables. False if not found.
    pub async fn update_combo(&mut self, c: &TableCombo) -> StoreResult<bool> {
        let n = exec!(
            self,
            "UPDATE table_combos SET name = $3, min_seats = $4, max_seats = $5 WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            c.id,
            &c.name,
            c.min_seats,
            c.max_seats
        )?;
        if n == 1 {
            self.set_combo_members(c.id, &c.members).await?;
        }
        Ok(n == 1)
    }

    async fn set_combo_members(
        &mut self,
        combo: ComboId,
        members: &[ResourceId],
    ) -> StoreResult<()> {
        exec!(
            self,
            "DELETE FROM table_combo_members WHERE tenant_id = $1 AND combo_id = $2",
            self.tenant,
            combo
        )?;
        for m in members {
            exec!(
                self,
                "INSERT INTO table_combo_members (tenant_id, combo_id, resource_id) VALUES ($1, $2, $3)",
                self.tenant,
                combo,
                *m
            )?;
        }
        Ok(())
    }

    /// Deletes a table combination. False if not found.
    pub async fn delete_combo(&mut self, id: ComboId) -> StoreResult<bool> {
        let n = exec!(
            self,
            "DELETE FROM table_combos WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )
        .map_err(in_use)?;
        Ok(n == 1)
    }

    /// Replaces a whole weekly schedule: the location's opening hours (`resource` None) or one
    /// resource's own hours. Atomic with the caller's transaction.
    pub async fn replace_hours(
        &mut self,
        location: LocationId,
        resource: Option<ResourceId>,
        rows: &[WeeklyHoursRow],
    ) -> StoreResult<Vec<Hours>> {
        exec!(
            self,
            "DELETE FROM hours WHERE tenant_id = $1 AND location_id = $2 AND (($3 IS NULL AND resource_id IS NULL) OR resource_id = $3)",
            self.tenant,
            location,
            resource
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let h = Hours {
                tenant_id: self.tenant,
                id: HoursId::new(),
                location_id: location,
                resource_id: resource,
                weekday: r.weekday,
                start_min: r.start_min,
                end_min: r.end_min,
            };
            exec!(
                self,
                format!("INSERT INTO hours ({HOURS_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                self.tenant,
                h.id,
                h.location_id,
                h.resource_id,
                h.weekday,
                h.start_min,
                h.end_min
            )?;
            out.push(h);
        }
        Ok(out)
    }

    /// Adds a schedule exception.
    pub async fn insert_exception(&mut self, e: &ScheduleException) -> StoreResult<()> {
        exec!(
            self,
            format!(
                "INSERT INTO schedule_exceptions ({EXC_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            self.tenant,
            e.id,
            e.location_id,
            e.resource_id,
            &e.kind,
            e.starts_at_ms,
            e.ends_at_ms,
            &e.reason,
            e.created_at_ms
        )?;
        Ok(())
    }

    /// Deletes a schedule exception. False if not found.
    pub async fn delete_exception(&mut self, id: ExceptionId) -> StoreResult<bool> {
        let n = exec!(
            self,
            "DELETE FROM schedule_exceptions WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )?;
        Ok(n == 1)
    }

    /// Adds a service.
    pub async fn insert_service(&mut self, s: &Service) -> StoreResult<()> {
        exec!(
            self,
            format!(
                "INSERT INTO services ({SERVICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
            ),
            self.tenant,
            s.id,
            s.location_id,
            &s.name,
            &s.category,
            &s.description,
            s.duration_min,
            &s.segments,
            s.price_minor,
            &s.currency,
            s.buffer_before_min,
            s.buffer_after_min,
            s.capacity,
            s.online_bookable,
            s.prerequisite_service_id,
            s.promo_price_minor,
            s.promo_starts_at_ms,
            s.promo_ends_at_ms,
            &s.colour,
            s.sort_order,
            s.active,
            s.created_at_ms,
            s.updated_at_ms
        )?;
        Ok(())
    }

    /// Replaces a service's fields (not its location). False if not found.
    pub async fn update_service(&mut self, s: &Service) -> StoreResult<bool> {
        let n = exec!(self, "UPDATE services SET name = $3, category = $4, description = $5, duration_min = $6, segments = $7, price_minor = $8,
                currency = $9, buffer_before_min = $10, buffer_after_min = $11, capacity = $12, online_bookable = $13,
                prerequisite_service_id = $14, promo_price_minor = $15, promo_starts_at_ms = $16, promo_ends_at_ms = $17,
                colour = $18, sort_order = $19, active = $20, updated_at_ms = $21
             WHERE tenant_id = $1 AND id = $2",
            self.tenant, s.id, &s.name, &s.category, &s.description, s.duration_min, &s.segments, s.price_minor,
            &s.currency, s.buffer_before_min, s.buffer_after_min, s.capacity, s.online_bookable, s.prerequisite_service_id,
            s.promo_price_minor, s.promo_starts_at_ms, s.promo_ends_at_ms, &s.colour, s.sort_order, s.active,
            s.updated_at_ms)?;
        Ok(n == 1)
    }

    /// Deletes a service (services that required it lose the prerequisite). False if not found;
    /// `in_use` if something else (a booking) still refers to it.
    pub async fn delete_service(&mut self, id: ServiceId) -> StoreResult<bool> {
        exec!(
            self,
            "UPDATE services SET prerequisite_service_id = NULL WHERE tenant_id = $1 AND prerequisite_service_id = $2",
            self.tenant,
            id
        )?;
        let n = exec!(
            self,
            "DELETE FROM services WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )
        .map_err(in_use)?;
        Ok(n == 1)
    }

    /// Replaces the staff who perform a service.
    pub async fn set_service_staff(
        &mut self,
        service: ServiceId,
        rows: &[ServiceStaff],
    ) -> StoreResult<()> {
        exec!(
            self,
            "DELETE FROM service_staff WHERE tenant_id = $1 AND service_id = $2",
            self.tenant,
            service
        )?;
        for r in rows {
            exec!(
                self,
                "INSERT INTO service_staff (tenant_id, service_id, resource_id, duration_min, price_minor) VALUES ($1, $2, $3, $4, $5)",
                self.tenant,
                service,
                r.resource_id,
                r.duration_min,
                r.price_minor
            )?;
        }
        Ok(())
    }

    /// Replaces the resource groups a service needs.
    pub async fn set_service_requirements(
        &mut self,
        service: ServiceId,
        rows: &[ServiceRequirement],
    ) -> StoreResult<()> {
        exec!(
            self,
            "DELETE FROM service_requirements WHERE tenant_id = $1 AND service_id = $2",
            self.tenant,
            service
        )?;
        for r in rows {
            exec!(
                self,
                "INSERT INTO service_requirements (tenant_id, service_id, group_no, resource_id) VALUES ($1, $2, $3, $4)",
                self.tenant,
                service,
                r.group_no,
                r.resource_id
            )?;
        }
        Ok(())
    }

    /// Creates or replaces a location's booking rules.
    pub async fn upsert_rules(&mut self, r: &BookingRules) -> StoreResult<()> {
        exec!(self, format!("INSERT INTO booking_rules ({RULES_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (tenant_id, location_id) DO UPDATE SET slot_step_min = excluded.slot_step_min, min_notice_min = excluded.min_notice_min,
               window_days = excluded.window_days, cancel_cutoff_min = excluded.cancel_cutoff_min, edit_cutoff_min = excluded.edit_cutoff_min,
               require_confirmation = excluded.require_confirmation, hold_minutes = excluded.hold_minutes, updated_at_ms = excluded.updated_at_ms"),
            self.tenant, r.location_id, r.slot_step_min, r.min_notice_min, r.window_days, r.cancel_cutoff_min,
            r.edit_cutoff_min, r.require_confirmation, r.hold_minutes, r.updated_at_ms)?;
        Ok(())
    }

    /// Adds a service period.
    pub async fn insert_period(&mut self, p: &ServicePeriod) -> StoreResult<()> {
        exec!(
            self,
            format!(
                "INSERT INTO service_periods ({PERIOD_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
            ),
            self.tenant,
            p.id,
            p.location_id,
            &p.name,
            &p.weekdays,
            p.start_min,
            p.last_seating_min,
            p.slot_step_min,
            &p.turn_times,
            p.max_covers_per_slot,
            p.pacing_interval_min,
            p.pacing_max_covers,
            p.online_share_pct,
            p.created_at_ms,
            p.updated_at_ms
        )?;
        Ok(())
    }

    /// Replaces a service period's fields. False if not found.
    pub async fn update_period(&mut self, p: &ServicePeriod) -> StoreResult<bool> {
        let n = exec!(self, "UPDATE service_periods SET name = $3, weekdays = $4, start_min = $5, last_seating_min = $6, slot_step_min = $7,
                turn_times = $8, max_covers_per_slot = $9, pacing_interval_min = $10, pacing_max_covers = $11, online_share_pct = $12,
                updated_at_ms = $13
             WHERE tenant_id = $1 AND id = $2",
            self.tenant, p.id, &p.name, &p.weekdays, p.start_min, p.last_seating_min, p.slot_step_min, &p.turn_times,
            p.max_covers_per_slot, p.pacing_interval_min, p.pacing_max_covers, p.online_share_pct, p.updated_at_ms)?;
        Ok(n == 1)
    }

    /// Deletes a service period. False if not found.
    pub async fn delete_period(&mut self, id: PeriodId) -> StoreResult<bool> {
        let n = exec!(
            self,
            "DELETE FROM service_periods WHERE tenant_id = $1 AND id = $2",
            self.tenant,
            id
        )
        .map_err(in_use)?;
        Ok(n == 1)
    }

    /// Adds a customer; `customer_exists` if the phone or e-mail is already a customer's.
    pub async fn insert_customer(&mut self, c: &Customer) -> StoreResult<()> {
        exec!(
            self,
            format!(
                "INSERT INTO customers ({CUSTOMER_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
            ),
            self.tenant,
            c.id,
            &c.name,
            &c.phone,
            &c.email,
            &c.email_key,
            &c.language,
            &c.notes,
            &c.tags,
            &c.requirements,
            c.marketing_consent,
            c.marketing_consent_at_ms,
            &c.marketing_consent_source,
            c.first_booking_at_ms,
            c.last_booking_at_ms,
            c.booking_count,
            c.no_show_count,
            c.last_verified_at_ms,
            c.created_at_ms,
            c.updated_at_ms
        )?;
        Ok(())
    }

    /// Replaces a customer's editable fields (not the booking aggregate). False if not found.
    pub async fn update_customer(&mut self, c: &Customer) -> StoreResult<bool> {
        let n = exec!(self, "UPDATE customers SET name = $3, phone = $4, email = $5, email_key = $6, language = $7, notes = $8, tags = $9,
                requirements = $10, marketing_consent = $11, marketing_consent_at_ms = $12, marketing_consent_source = $13,
                last_verified_at_ms = $14, updated_at_ms = $15
             WHERE tenant_id = $1 AND id = $2",
            self.tenant, c.id, &c.name, &c.phone, &c.email, &c.email_key, &c.language, &c.notes, &c.tags, &c.requirements,
            c.marketing_consent, c.marketing_consent_at_ms, &c.marketing_consent_source, c.last_verified_at_ms,
            c.updated_at_ms)?;
        Ok(n == 1)
    }

    /// The customer with this phone (E.164) or, failing that, this e-mail key, read inside the
    /// transaction.
    pub async fn find_customer(
        &mut self,
        phone: Option<&str>,
        email_key: Option<&str>,
    ) -> StoreResult<Option<Customer>> {
        if let Some(p) = phone {
            let c: Option<Customer> = tx_fetch!(
                self,
                fetch_optional,
                format!(
                    "SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1 AND phone = $2"
                ),
                self.tenant,
                p
            )?;
            if c.is_some() {
                return Ok(c);
            }
        }
        if let Some(e) = email_key {
            return tx_fetch!(
                self,
                fetch_optional,
                format!(
                    "SELECT {CUSTOMER_COLS} FROM customers WHERE tenant_id = $1 AND email_key = $2"
                ),
                self.tenant,
                e
            );
        }
        Ok(None)
    }

    /// The existing customer with `c`'s phone or e-mail, or `c` inserted. Returns the customer
    /// and whether it was created.
    pub async fn find_or_create_customer(&mut self, c: &Customer) -> StoreResult<(Customer, bool)> {
        if let Some(found) = self
            .find_customer(c.phone.as_deref(), c.email_key.as_deref())
            .await?
        {
            return Ok((found, false));
        }
        self.insert_customer(c).await?;
        Ok((c.clone(), true))
    }

    /// Records a booking in a customer's aggregate (first/last booking, count).
    pub async fn note_customer_booking(
        &mut self,
        id: CustomerId,
        at_ms: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let n = exec!(self, "UPDATE customers SET booking_count = booking_count + 1,
                first_booking_at_ms = CASE WHEN first_booking_at_ms IS NULL OR first_booking_at_ms > $3 THEN $3 ELSE first_booking_at_ms END,
                last_booking_at_ms = CASE WHEN last_booking_at_ms IS NULL OR last_booking_at_ms < $3 THEN $3 ELSE last_booking_at_ms END,
                updated_at_ms = $4
             WHERE tenant_id = $1 AND id = $2",
            self.tenant, id, at_ms, now)?;
        Ok(n == 1)
    }
}
