-- The values of a multilingual jsonb field as one text, for full-text search in every language.
CREATE OR REPLACE FUNCTION i18n_values(v jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(string_agg(value, ' '), '') FROM jsonb_each_text(CASE WHEN jsonb_typeof(v) = 'object' THEN v ELSE '{}'::jsonb END) $$;
--> statement-breakpoint
CREATE TABLE "record_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"from_kind" text NOT NULL,
	"from_id" uuid NOT NULL,
	"to_kind" text NOT NULL,
	"to_id" uuid NOT NULL,
	"relation" text DEFAULT 'related' NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "talks_action_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"session_id" uuid,
	"happened_on" date NOT NULL,
	"status_from" text,
	"status_to" text,
	"progress_from" integer,
	"progress_to" integer,
	"note" jsonb,
	"evidence_url" text,
	"source" text DEFAULT 'form' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"recommendation_id" uuid,
	"parent_id" uuid,
	"depth" integer DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"text" jsonb NOT NULL,
	"responsible_org_id" uuid,
	"responsible_group" text,
	"owner_person_id" uuid,
	"status" text DEFAULT 'proposed' NOT NULL,
	"due_on" date,
	"progress" integer DEFAULT 0 NOT NULL,
	"weight" real DEFAULT 1 NOT NULL,
	"rollup" text DEFAULT 'weighted' NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"follow_up_session_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_doc" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', f_unaccent(i18n_values(text)))) STORED NOT NULL,
	CONSTRAINT "talks_actions_progress_ck" CHECK (progress BETWEEN 0 AND 100),
	CONSTRAINT "talks_actions_depth_ck" CHECK (depth BETWEEN 0 AND 2),
	CONSTRAINT "talks_actions_weight_ck" CHECK (weight > 0)
);
--> statement-breakpoint
CREATE TABLE "talks_agenda_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"parent_id" uuid,
	"position" integer DEFAULT 0 NOT NULL,
	"title" jsonb NOT NULL,
	"description" jsonb,
	"starts_at" timestamp with time zone,
	"duration_minutes" integer
);
--> statement-breakpoint
CREATE TABLE "talks_contributions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"agenda_item_id" uuid,
	"organisation_id" uuid,
	"person_id" uuid,
	"speaker_label" jsonb,
	"body" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_doc" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', f_unaccent(i18n_values(body)))) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_digest_subscriptions" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"weekly" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_minutes" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"current_version" integer DEFAULT 0 NOT NULL,
	"published_version" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_minutes_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"proposed_text" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid
);
--> statement-breakpoint
CREATE TABLE "talks_minutes_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"body" jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"organisation_id" uuid,
	"person_id" uuid,
	"role" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "talks_participants_who_ck" CHECK (organisation_id IS NOT NULL OR person_id IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "talks_recommendation_sources" (
	"recommendation_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	CONSTRAINT "talks_recommendation_sources_recommendation_id_organisation_id_pk" PRIMARY KEY("recommendation_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "talks_recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"text" jsonb NOT NULL,
	"addressees" text[] DEFAULT '{}'::text[] NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_doc" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', f_unaccent(i18n_values(text)))) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_registrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"organisation_id" uuid,
	"status" text NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accessibility_needs" text,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talks_reminders_sent" (
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "talks_reminders_sent_kind_subject_id_user_id_pk" PRIMARY KEY("kind","subject_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "talks_series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" jsonb NOT NULL,
	"subtitle" jsonb,
	"description" jsonb,
	"organiser_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "talks_series_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "talks_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"series_id" uuid NOT NULL,
	"title" jsonb NOT NULL,
	"subtitle" jsonb,
	"summary" jsonb,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"format" text NOT NULL,
	"venue" text,
	"venue_org_id" uuid,
	"online_url" text,
	"languages" text[] DEFAULT '{en}'::text[] NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"capacity" integer,
	"registration_open" boolean DEFAULT false NOT NULL,
	"copied_from_id" uuid,
	"published_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_doc" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', f_unaccent(i18n_values(title) || ' ' || i18n_values(subtitle) || ' ' || i18n_values(summary)))) STORED NOT NULL,
	CONSTRAINT "talks_sessions_capacity_ck" CHECK (capacity IS NULL OR capacity >= 0)
);
--> statement-breakpoint
CREATE INDEX "record_links_from_idx" ON "record_links" USING btree ("from_kind","from_id");--> statement-breakpoint
CREATE INDEX "record_links_to_idx" ON "record_links" USING btree ("to_kind","to_id");--> statement-breakpoint
CREATE UNIQUE INDEX "record_links_live_uq" ON "record_links" USING btree ("from_kind","from_id","to_kind","to_id","relation") WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX "talks_action_updates_action_idx" ON "talks_action_updates" USING btree ("action_id","happened_on","created_at");--> statement-breakpoint
CREATE INDEX "talks_actions_session_idx" ON "talks_actions" USING btree ("session_id","position");--> statement-breakpoint
CREATE INDEX "talks_actions_recommendation_idx" ON "talks_actions" USING btree ("recommendation_id");--> statement-breakpoint
CREATE INDEX "talks_actions_parent_idx" ON "talks_actions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "talks_actions_responsible_idx" ON "talks_actions" USING btree ("responsible_org_id","status","due_on");--> statement-breakpoint
CREATE INDEX "talks_actions_status_due_idx" ON "talks_actions" USING btree ("status","due_on","id");--> statement-breakpoint
CREATE INDEX "talks_actions_due_idx" ON "talks_actions" USING btree ("due_on","id");--> statement-breakpoint
CREATE INDEX "talks_actions_themes_idx" ON "talks_actions" USING gin ("themes");--> statement-breakpoint
CREATE INDEX "talks_actions_search_idx" ON "talks_actions" USING gin ("search_doc");--> statement-breakpoint
CREATE INDEX "talks_agenda_session_idx" ON "talks_agenda_items" USING btree ("session_id","parent_id","position");--> statement-breakpoint
CREATE INDEX "talks_contributions_session_idx" ON "talks_contributions" USING btree ("session_id","position");--> statement-breakpoint
CREATE INDEX "talks_contributions_search_idx" ON "talks_contributions" USING gin ("search_doc");--> statement-breakpoint
CREATE INDEX "talks_minutes_comments_session_idx" ON "talks_minutes_comments" USING btree ("session_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "talks_minutes_versions_uq" ON "talks_minutes_versions" USING btree ("session_id","version");--> statement-breakpoint
CREATE INDEX "talks_participants_session_idx" ON "talks_participants" USING btree ("session_id","role","position");--> statement-breakpoint
CREATE INDEX "talks_participants_org_idx" ON "talks_participants" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "talks_participants_uq" ON "talks_participants" USING btree ("session_id","role",coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid),coalesce(person_id, '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE INDEX "talks_recommendation_sources_org_idx" ON "talks_recommendation_sources" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "talks_recommendations_session_idx" ON "talks_recommendations" USING btree ("session_id","position");--> statement-breakpoint
CREATE INDEX "talks_recommendations_themes_idx" ON "talks_recommendations" USING gin ("themes");--> statement-breakpoint
CREATE INDEX "talks_recommendations_search_idx" ON "talks_recommendations" USING gin ("search_doc");--> statement-breakpoint
CREATE INDEX "talks_registrations_queue_idx" ON "talks_registrations" USING btree ("session_id","status","queued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "talks_registrations_live_uq" ON "talks_registrations" USING btree ("session_id","user_id") WHERE status <> 'cancelled';--> statement-breakpoint
CREATE INDEX "talks_sessions_series_idx" ON "talks_sessions" USING btree ("series_id","starts_at");--> statement-breakpoint
CREATE INDEX "talks_sessions_starts_idx" ON "talks_sessions" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "talks_sessions_status_idx" ON "talks_sessions" USING btree ("status","starts_at");--> statement-breakpoint
CREATE INDEX "talks_sessions_search_idx" ON "talks_sessions" USING gin ("search_doc");