CREATE TABLE "fund_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"community_org_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"memo" text,
	"need_id" uuid,
	"status" text DEFAULT 'proposed' NOT NULL,
	"proposed_by" uuid NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"transaction_id" uuid,
	CONSTRAINT "fund_proposals_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "fund_proposals_amount_ck" CHECK ("fund_proposals"."amount_minor" > 0),
	CONSTRAINT "fund_proposals_decided_ck" CHECK (("fund_proposals"."status" = 'proposed') = ("fund_proposals"."decided_at" IS NULL) AND ("fund_proposals"."status" = 'posted') = ("fund_proposals"."transaction_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "fund_proposals" ADD CONSTRAINT "fund_proposals_community_org_id_organisations_id_fk" FOREIGN KEY ("community_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_proposals" ADD CONSTRAINT "fund_proposals_transaction_id_fund_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."fund_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fund_proposals_status_idx" ON "fund_proposals" USING btree ("status","proposed_at");