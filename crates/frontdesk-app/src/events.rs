//! Live events for staff screens (promise N2): a change commits, then a small event goes to
//! every open dashboard of that business over server-sent events. Events carry no personal
//! data, only what changed (the screen fetches what it shows through the usual, checked
//! routes). One process fans out with a broadcast channel; a subscriber that falls behind is
//! told to resync rather than blocking anyone.

use frontdesk_core::TenantId;
use serde::Serialize;
use tokio::sync::broadcast;

/// Something changed in a business.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// The business (never sent to the browser; used to filter).
    #[serde(skip)]
    pub tenant: TenantId,
    /// What changed: `bookings`.
    pub kind: &'static str,
    /// When, epoch ms.
    pub at_ms: i64,
}

/// The in-process fan-out.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<LiveEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl EventBus {
    /// Sends to every current subscriber (none is fine).
    pub fn publish(&self, e: LiveEvent) {
        let _ = self.tx.send(e);
    }

    /// A new subscription; it sees events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }
}

impl crate::App {
    /// After a committed booking change: availability snapshots go, open calendars hear of it.
    pub fn bookings_touched(&self, tenant: TenantId) {
        self.views.invalidate_bookings(tenant);
        self.events.publish(LiveEvent {
            tenant,
            kind: "bookings",
            at_ms: self.now_ms(),
        });
    }
}
