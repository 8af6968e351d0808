//! Manage-booking links (promise B5). A link is a credential `mb_…` carrying the business, a
//! record id and a 256-bit random secret; only a salted hash of the secret is stored. The first
//! link of a booking is made with it (the record id is the booking's own id, the hash lives on
//! the booking); every message that carries a link mints another one in `manage_links`, so all
//! links a customer was sent keep working together.

use frontdesk_core::token::{Credential, salted_hash, verify_salted};
use frontdesk_core::{BookingId, ManageLinkId, TenantId};
use frontdesk_store::{Booking, Tx};

use crate::{App, AppResult};

/// The path of the manage-booking page; the token follows it.
pub const MANAGE_PATH: &str = "/manage/";

/// The prefix of manage-booking tokens.
pub const MANAGE_PREFIX: &str = "mb";

impl App {
    /// Mints a new manage link for `b` inside `tx` and returns its absolute URL.
    pub async fn mint_manage_link(&self, tx: &mut Tx, b: &Booking) -> AppResult<String> {
        let id = ManageLinkId::new();
        let cred = Credential::generate(b.tenant_id.uuid(), id.uuid());
        tx.tenant(b.tenant_id)
            .insert_manage_link(id, b.id, &salted_hash(&cred.secret), self.now_ms())
            .await?;
        Ok(self.manage_url(&cred.render(MANAGE_PREFIX)))
    }

    /// The absolute URL of the manage page for `token`.
    pub fn manage_url(&self, token: &str) -> String {
        format!(
            "{}{MANAGE_PATH}{token}",
            self.config.base_url.trim_end_matches('/')
        )
    }

    /// The booking a manage token opens, or None for anything malformed, unknown or forged
    /// (the answer does not say which).
    pub async fn booking_for_manage_token(&self, token: &str) -> AppResult<Option<Booking>> {
        let Some(cred) = Credential::parse(MANAGE_PREFIX, token.trim()) else {
            return Ok(None);
        };
        let tenant = TenantId::from(cred.scope);
        let t = self.store.tenant(tenant);
        if let Some((booking, hash)) = t.manage_link(ManageLinkId::from(cred.id)).await? {
            if !verify_salted(&hash, &cred.secret) {
                return Ok(None);
            }
            return Ok(t.booking(booking).await?);
        }
        let Some(b) = t.booking(BookingId::from(cred.id)).await? else {
            return Ok(None);
        };
        match &b.manage_token_hash {
            Some(h) if verify_salted(h, &cred.secret) => Ok(Some(b)),
            _ => Ok(None),
        }
    }
}
