-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "provisioning" TEXT[],
    "timezone" TEXT NOT NULL,
    "admins" TEXT[],
    "scim_base_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "destinations" (
    "id" UUID NOT NULL,
    "account_id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "team_id" TEXT,
    "conversation_ref" JSONB,
    "broken_at" TIMESTAMPTZ(3),
    "broken_reason" TEXT,
    "connected_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "warnings" (
    "id" UUID NOT NULL,
    "account_id" TEXT NOT NULL,
    "destination_id" UUID NOT NULL,
    "token_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "threshold" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "message_ref" TEXT,
    "posted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "warnings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "renewals" (
    "id" UUID NOT NULL,
    "account_id" TEXT NOT NULL,
    "active_key" TEXT,
    "replaces_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "idempotency_key" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_by_name" TEXT NOT NULL,
    "delivery" JSONB NOT NULL,
    "new_expires_at" TIMESTAMPTZ(3),
    "scim_base_url" TEXT,
    "secret_sealed" TEXT,
    "secret_lapses_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_until" TIMESTAMPTZ(3),
    "failure_code" TEXT,
    "failure_message" TEXT,
    "retry_after" TIMESTAMPTZ(3),
    "entra_results" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "renewed_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "applied_at" TIMESTAMPTZ(3),
    "lapsed_at" TIMESTAMPTZ(3),

    CONSTRAINT "renewals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_users" (
    "platform" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "display_name" TEXT,
    "email" TEXT,
    "aad_object_id" TEXT,
    "conversation_ref" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_users_pkey" PRIMARY KEY ("platform","user_id")
);

-- CreateTable
CREATE TABLE "entra_apps" (
    "account_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "service_principal_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "quarantined_at" TIMESTAMPTZ(3),
    "quarantine_reason" TEXT,
    "checked_at" TIMESTAMPTZ(3),

    CONSTRAINT "entra_apps_pkey" PRIMARY KEY ("account_id","kind")
);

-- CreateTable
CREATE TABLE "local_provision_tokens" (
    "account_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "provisioning" TEXT[],
    "scim_base_url" TEXT NOT NULL,
    "token_hash" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "local_provision_tokens_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "local_renewal_keys" (
    "idempotency_key" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "scim_base_url" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "local_renewal_keys_pkey" PRIMARY KEY ("idempotency_key")
);

-- CreateTable
CREATE TABLE "local_service_keys" (
    "id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "local_service_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "destinations_account_id_platform_channel_id_key" ON "destinations"("account_id", "platform", "channel_id");

-- CreateIndex
CREATE INDEX "warnings_account_id_token_expires_at_idx" ON "warnings"("account_id", "token_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "warnings_destination_id_token_expires_at_threshold_key" ON "warnings"("destination_id", "token_expires_at", "threshold");

-- CreateIndex
CREATE UNIQUE INDEX "renewals_active_key_key" ON "renewals"("active_key");

-- CreateIndex
CREATE UNIQUE INDEX "renewals_idempotency_key_key" ON "renewals"("idempotency_key");

-- CreateIndex
CREATE INDEX "renewals_account_id_created_at_idx" ON "renewals"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "renewals_state_idx" ON "renewals"("state");

-- CreateIndex
CREATE INDEX "audit_events_account_id_at_idx" ON "audit_events"("account_id", "at");

-- AddForeignKey
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "renewals" ADD CONSTRAINT "renewals_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "entra_apps" ADD CONSTRAINT "entra_apps_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Agenda keeps its job tables in a schema of its own, so that `prisma migrate dev` sees no drift.
CREATE SCHEMA IF NOT EXISTS "agenda";
