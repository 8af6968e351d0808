-- Foundation: businesses, locations, people, sessions, keys, audit, support, secrets, jobs, mail.
-- Conventions: ids are UUIDv7; instants are epoch milliseconds (*_at_ms); every tenant table
-- leads its primary key, foreign keys and indexes with tenant_id. Global tables (no tenant_id)
-- are: users, sessions, auth_tokens, slugs, jobs, mail_outbox, rate_counters.

CREATE TABLE tenants (
    tenant_id UUID NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    default_language TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE locations (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT,
    time_zone TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    brand_colour TEXT NOT NULL,
    booking_description TEXT,
    tax_id TEXT,
    image_url TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX locations_tenant_slug ON locations (tenant_id, slug);

-- Global routing table: a public URL slug resolves to exactly one location (promise T3).
CREATE TABLE slugs (
    slug TEXT NOT NULL PRIMARY KEY,
    tenant_id UUID NOT NULL,
    location_id UUID NOT NULL,
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);

-- Global: a person who can sign in; belongs to businesses through memberships.
CREATE TABLE users (
    id UUID NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    language TEXT NOT NULL,
    password_hash TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email_key);

CREATE TABLE memberships (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_tenant_user ON memberships (tenant_id, user_id, role);

-- Global: server-side sessions (promise A5). Only SHA-256 of the cookie is stored.
CREATE TABLE sessions (
    id UUID NOT NULL PRIMARY KEY,
    token_hash TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id UUID,
    staff_key_id UUID,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at_ms);

-- Global: single-use magic-link and password-reset tokens (promise A7).
CREATE TABLE auth_tokens (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at_ms);

CREATE TABLE invitations (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    role TEXT NOT NULL,
    invited_by UUID,
    secret_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    accepted_at_ms BIGINT,
    revoked_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX invitations_tenant_email ON invitations (tenant_id, email_key);

CREATE TABLE api_keys (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by UUID,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE staff_keys (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    user_id UUID NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by UUID,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX staff_keys_tenant_user ON staff_keys (tenant_id, user_id);

-- Security and audit log (promise A6): who did what, when, from where, and what changed.
CREATE TABLE audit_log (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, at_ms);
CREATE INDEX audit_log_tenant_action ON audit_log (tenant_id, action, at_ms);

-- Restricted support access (promise A8).
CREATE TABLE support_grants (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    granted_by UUID,
    reason TEXT,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX support_grants_tenant_user ON support_grants (tenant_id, user_id);

-- Provider secrets, encrypted (promise S3): v1.<kid>.<nonce‖ciphertext>, AAD = tenant|name.
CREATE TABLE secrets (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    name TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX secrets_tenant_name ON secrets (tenant_id, name);
CREATE INDEX secrets_tenant_key ON secrets (tenant_id, key_id);

-- Global: the durable job queue. tenant_id is set for a business's jobs (visible to its owner).
CREATE TABLE jobs (
    id UUID NOT NULL PRIMARY KEY,
    tenant_id UUID,
    queue TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    run_at_ms BIGINT NOT NULL,
    locked_until_ms BIGINT,
    locked_by TEXT,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    last_error TEXT,
    dedupe_key TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key);
CREATE INDEX jobs_ready ON jobs (queue, status, run_at_ms);
CREATE INDEX jobs_tenant ON jobs (tenant_id, status, created_at_ms);

-- Global: every e-mail Frontdesk sends, whatever the transport (outbox folder or SMTP).
CREATE TABLE mail_outbox (
    id UUID NOT NULL PRIMARY KEY,
    tenant_id UUID,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL,
    transport TEXT,
    error TEXT,
    created_at_ms BIGINT NOT NULL,
    sent_at_ms BIGINT
);
CREATE INDEX mail_outbox_tenant ON mail_outbox (tenant_id, created_at_ms);

-- Global: fixed-window counters for security rate limits (per account, per IP).
CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (key, window_start_ms)
);
