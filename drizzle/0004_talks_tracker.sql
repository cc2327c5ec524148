CREATE TABLE "talks_action_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"filename" text NOT NULL,
	"content" text NOT NULL,
	"sha256" text NOT NULL,
	"locale" text DEFAULT 'en' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	"applied_by" uuid,
	"result" jsonb
);
--> statement-breakpoint
CREATE INDEX "talks_action_imports_created_idx" ON "talks_action_imports" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "talks_action_updates_session_idx" ON "talks_action_updates" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "talks_actions_progress_idx" ON "talks_actions" USING btree ("progress","id");--> statement-breakpoint
CREATE INDEX "talks_actions_updated_idx" ON "talks_actions" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "talks_actions_open_due_idx" ON "talks_actions" USING btree ("due_on","id") WHERE status IN ('proposed', 'accepted', 'in_progress', 'deferred');--> statement-breakpoint
CREATE INDEX "talks_actions_follow_up_idx" ON "talks_actions" USING btree ("follow_up_session_id");