//! The team: invitations by e-mail link, role changes, removal (promise A2).

use frontdesk_core::token::{Credential, salted_hash, verify_salted};
use frontdesk_core::validate;
use frontdesk_core::*;
use frontdesk_store::{Invitation, Member, User};
use serde_json::json;

use crate::auth::{ClientInfo, NewSession};
use crate::mail::{OutgoingMail, link_mail};
use crate::{App, AppError, AppResult, Ctx};

/// Prefix of invitation link tokens.
pub const INVITE_PREFIX: &str = "iv";

/// An invitation just created; the link is shown to the inviter once and e-mailed.
#[derive(Debug, Clone)]
pub struct CreatedInvitation {
    /// The invitation.
    pub invitation: Invitation,
    /// The link to accept it.
    pub link: String,
}

/// What an invitation link shows before it is accepted.
#[derive(Debug, Clone)]
pub struct InvitationView {
    /// The invitation.
    pub invitation: Invitation,
    /// The business name.
    pub business: String,
    /// Whether the e-mail already has an account (then the password is asked instead of a new one).
    pub existing_account: bool,
}

impl App {
    /// The team of the business (any member may see who works there).
    pub async fn list_members(&self, ctx: &Ctx) -> AppResult<Vec<Member>> {
        Ok(self.store.tenant(ctx.tenant).members().await?)
    }

    /// Open and past invitations (owners).
    pub async fn list_invitations(&self, ctx: &Ctx) -> AppResult<Vec<Invitation>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).invitations().await?)
    }

    /// Invites someone by e-mail with a role (owners).
    pub async fn invite(&self, ctx: &Ctx, email: &str, role: &str) -> AppResult<CreatedInvitation> {
        ctx.require_owner()?;
        let mut v = crate::error::Validator::default();
        let email = v.check(validate::email("email", email));
        let role = v.check(
            role.parse::<Role>()
                .ok()
                .filter(|r| r.is_assignable())
                .ok_or_else(|| {
                    validate::Invalid::new("role", "must be admin, professional or receptionist")
                }),
        );
        v.finish()?;
        let (email, role) = (email.unwrap(), role.unwrap());
        let key = validate::email_key(&email);
        if let Some(u) = self.store.user_by_email(&key).await?
            && self.store.tenant(ctx.tenant).member(u.id).await?.is_some()
        {
            return Err(AppError::Conflict(
                "already_member",
                "this person is already in the team".into(),
            ));
        }
        let now = self.now_ms();
        let id = InvitationId::new();
        let cred = Credential::generate(ctx.tenant.0, id.0);
        let inv = Invitation {
            tenant_id: ctx.tenant,
            id,
            email: email.clone(),
            email_key: key,
            role: role.as_str().into(),
            invited_by: ctx.user_id(),
            secret_hash: salted_hash(&cred.secret),
            created_at_ms: now,
            expires_at_ms: now + self.config.invitation_ttl.as_millis() as i64,
            accepted_at_ms: None,
            revoked_at_ms: None,
        };
        let link = format!(
            "{}/invite/{}",
            self.config.base_url,
            cred.render(INVITE_PREFIX)
        );
        let business = self
            .store
            .tenant(ctx.tenant)
            .get()
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let days = self.config.invitation_ttl.as_secs() / 86400;
        let (text, html) = link_mail(
            "Hello,",
            &[&format!(
                "You are invited to join {business} on Frontdesk as {role}. The invitation expires in {days} days."
            )],
            "Accept the invitation",
            &link,
            "If you do not expect this, ignore this e-mail.",
        );
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_invitation(&inv).await?;
        ctx.audit(
            &mut tx,
            now,
            "team.invited",
            Some(email.clone()),
            json!({ "role": role, "invitation": id }),
        )
        .await?;
        self.queue_mail(
            &mut tx,
            OutgoingMail {
                tenant: Some(ctx.tenant),
                to: email,
                subject: format!("Join {business} on Frontdesk"),
                text,
                html: Some(html),
            },
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok(CreatedInvitation {
            invitation: inv,
            link,
        })
    }

    /// Revokes an open invitation (owners).
    pub async fn revoke_invitation(&self, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        if !tx
            .tenant(ctx.tenant)
            .revoke_invitation(id, self.now_ms())
            .await?
        {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "team.invitation_revoked",
            Some(id.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_invitation(&self, token: &str) -> AppResult<(Invitation, Credential)> {
        let cred = Credential::parse(INVITE_PREFIX, token.trim()).ok_or(AppError::LinkInvalid)?;
        let inv = self
            .store
            .tenant(TenantId(cred.scope))
            .invitation(InvitationId(cred.id))
            .await?
            .filter(|i| verify_salted(&i.secret_hash, &cred.secret))
            .ok_or(AppError::LinkInvalid)?;
        if inv.accepted_at_ms.is_some()
            || inv.revoked_at_ms.is_some()
            || inv.expires_at_ms <= self.now_ms()
        {
            return Err(AppError::LinkInvalid);
        }
        Ok((inv, cred))
    }

    /// What an invitation link shows.
    pub async fn view_invitation(&self, token: &str) -> AppResult<InvitationView> {
        let (inv, _) = self.open_invitation(token).await?;
        let business = self
            .store
            .tenant(inv.tenant_id)
            .get()
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let existing_account = self.store.user_by_email(&inv.email_key).await?.is_some();
        Ok(InvitationView {
            invitation: inv,
            business,
            existing_account,
        })
    }

    /// Accepts an invitation: a new person chooses a name and password; an existing one proves
    /// their password. Signs them in to the business.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: Option<&str>,
        password: &str,
        client: &ClientInfo,
    ) -> AppResult<NewSession> {
        let (inv, _) = self.open_invitation(token).await?;
        let now = self.now_ms();
        let role: Role = inv.role.parse().map_err(|_| AppError::LinkInvalid)?;
        let existing = self.store.user_by_email(&inv.email_key).await?;
        let (user, is_new) = match existing {
            Some(u) => match self
                .hasher
                .verify(password, u.password_hash.as_deref())
                .await?
            {
                crate::passwords::Verified::No => {
                    return Err(AppError::invalid(
                        "password",
                        "is not the password of this account",
                    ));
                }
                _ => (u, false),
            },
            None => {
                let mut v = crate::error::Validator::default();
                let name = v.check(validate::text("name", name.unwrap_or(""), 1, 120, false));
                v.check(validate::password("password", password));
                v.finish()?;
                let hash = self.hasher.hash(password).await?;
                (
                    User {
                        id: UserId::new(),
                        email: inv.email.clone(),
                        email_key: inv.email_key.clone(),
                        name: name.unwrap(),
                        phone: None,
                        language: "en".into(),
                        password_hash: Some(hash),
                        created_at_ms: now,
                        updated_at_ms: now,
                    },
                    true,
                )
            }
        };
        let mut tx = self.store.begin().await?;
        if is_new {
            tx.insert_user(&user).await?;
        }
        if !tx
            .tenant(inv.tenant_id)
            .accept_invitation(inv.id, now)
            .await?
        {
            return Err(AppError::LinkInvalid);
        }
        tx.tenant(inv.tenant_id)
            .upsert_membership(user.id, role, now, None)
            .await?;
        let session_token = frontdesk_core::token::new_session_token();
        let session = frontdesk_store::Session {
            id: SessionId::new(),
            token_hash: frontdesk_core::token::sha256_hex(session_token.as_bytes()),
            user_id: user.id,
            tenant_id: Some(inv.tenant_id),
            staff_key_id: None,
            created_at_ms: now,
            expires_at_ms: now + self.config.session_ttl.as_millis() as i64,
            last_seen_at_ms: now,
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        };
        tx.insert_session(&session).await?;
        let ctx = Ctx {
            tenant: inv.tenant_id,
            role,
            actor: crate::Actor::User {
                user_id: user.id,
                email: user.email.clone(),
                session_id: session.id,
            },
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        };
        ctx.audit(
            &mut tx,
            now,
            "team.joined",
            Some(user.id.to_string()),
            json!({ "role": role, "invitation": inv.id }),
        )
        .await?;
        ctx.audit(
            &mut tx,
            now,
            "login",
            Some(user.id.to_string()),
            json!({ "method": "invitation" }),
        )
        .await?;
        tx.commit().await?;
        Ok(NewSession {
            token: session_token,
            session,
        })
    }

    /// Changes a member's role (owners). The last owner cannot be demoted.
    pub async fn change_role(&self, ctx: &Ctx, user: UserId, role: &str) -> AppResult<()> {
        ctx.require_owner()?;
        let role: Role = role
            .parse()
            .ok()
            .filter(|r: &Role| r.is_assignable() || *r == Role::Owner)
            .ok_or_else(|| {
                AppError::invalid("role", "must be owner, admin, professional or receptionist")
            })?;
        let mut tx = self.store.begin().await?;
        let old = tx
            .tenant(ctx.tenant)
            .member_role(user)
            .await?
            .ok_or(AppError::NotFound)?;
        if old == "support" {
            return Err(AppError::Conflict(
                "support_access",
                "support access is changed through support grants".into(),
            ));
        }
        if old == "owner"
            && role != Role::Owner
            && tx.tenant(ctx.tenant).count_role(Role::Owner).await? <= 1
        {
            return Err(AppError::Conflict(
                "last_owner",
                "a business needs at least one owner".into(),
            ));
        }
        tx.tenant(ctx.tenant).set_role(user, role).await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "team.role_changed",
            Some(user.to_string()),
            json!({ "from": old, "to": role }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member (owners): their sessions in this business end at once. The last owner
    /// cannot be removed.
    pub async fn remove_member(&self, ctx: &Ctx, user: UserId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        let old = tx
            .tenant(ctx.tenant)
            .member_role(user)
            .await?
            .ok_or(AppError::NotFound)?;
        if old == "owner" && tx.tenant(ctx.tenant).count_role(Role::Owner).await? <= 1 {
            return Err(AppError::Conflict(
                "last_owner",
                "a business needs at least one owner".into(),
            ));
        }
        tx.tenant(ctx.tenant).remove_member(user).await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "team.removed",
            Some(user.to_string()),
            json!({ "role": old }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
