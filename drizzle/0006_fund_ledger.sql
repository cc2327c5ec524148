CREATE TABLE "fund_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"org_id" uuid,
	"currency" text NOT NULL,
	"rule" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fund_accounts_key_unique" UNIQUE("key"),
	CONSTRAINT "fund_accounts_id_currency_uq" UNIQUE("id","currency"),
	CONSTRAINT "fund_accounts_currency_ck" CHECK ("fund_accounts"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "fund_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"community_org_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"memo" text,
	"need_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"transaction_id" uuid,
	"payload" jsonb NOT NULL,
	CONSTRAINT "fund_approvals_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "fund_balances" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"line_count" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fund_balances_rule_ck" CHECK ("fund_balances"."rule" = 'none' OR ("fund_balances"."rule" = 'non_negative' AND "fund_balances"."balance" >= 0) OR ("fund_balances"."rule" = 'non_positive' AND "fund_balances"."balance" <= 0))
);
--> statement-breakpoint
CREATE TABLE "fund_chain_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fund_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"account_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "fund_lines_amount_ck" CHECK ("fund_lines"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "fund_monthly" (
	"account_id" uuid NOT NULL,
	"month" date NOT NULL,
	"net" bigint DEFAULT 0 NOT NULL,
	"line_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "fund_monthly_account_id_month_pk" PRIMARY KEY("account_id","month")
);
--> statement-breakpoint
CREATE TABLE "fund_transactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"value_date" date NOT NULL,
	"memo" text,
	"provider_org_id" uuid,
	"receiver_org_id" uuid,
	"need_id" uuid,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"reversal_of" uuid,
	"created_by" uuid,
	"approved_by" uuid,
	"fx_rate" text,
	"fx_currency" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "fund_transactions_seq_unique" UNIQUE("seq"),
	CONSTRAINT "fund_transactions_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "fund_accounts" ADD CONSTRAINT "fund_accounts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_approvals" ADD CONSTRAINT "fund_approvals_community_org_id_organisations_id_fk" FOREIGN KEY ("community_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_approvals" ADD CONSTRAINT "fund_approvals_transaction_id_fund_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."fund_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_balances" ADD CONSTRAINT "fund_balances_account_id_fund_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."fund_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_lines" ADD CONSTRAINT "fund_lines_transaction_id_fund_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."fund_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_lines" ADD CONSTRAINT "fund_lines_account_currency_fk" FOREIGN KEY ("account_id","currency") REFERENCES "public"."fund_accounts"("id","currency") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_monthly" ADD CONSTRAINT "fund_monthly_account_id_fund_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."fund_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_transactions" ADD CONSTRAINT "fund_transactions_provider_org_id_organisations_id_fk" FOREIGN KEY ("provider_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_transactions" ADD CONSTRAINT "fund_transactions_receiver_org_id_organisations_id_fk" FOREIGN KEY ("receiver_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fund_accounts_kind_idx" ON "fund_accounts" USING btree ("kind","currency");--> statement-breakpoint
CREATE INDEX "fund_accounts_org_idx" ON "fund_accounts" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "fund_approvals_status_idx" ON "fund_approvals" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "fund_lines_transaction_idx" ON "fund_lines" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "fund_lines_account_idx" ON "fund_lines" USING btree ("account_id","posted_at","seq");--> statement-breakpoint
CREATE INDEX "fund_monthly_month_idx" ON "fund_monthly" USING btree ("month");--> statement-breakpoint
CREATE UNIQUE INDEX "fund_transactions_reversal_uq" ON "fund_transactions" USING btree ("reversal_of");--> statement-breakpoint
CREATE INDEX "fund_transactions_posted_idx" ON "fund_transactions" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "fund_transactions_kind_idx" ON "fund_transactions" USING btree ("kind","seq");--> statement-breakpoint
-- The ledger is append-only: a mistake is corrected by a reversal, never by an edit.
CREATE OR REPLACE FUNCTION fund_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: correct a mistake with a reversal', TG_TABLE_NAME;
END $$;
--> statement-breakpoint
CREATE TRIGGER fund_transactions_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON fund_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION fund_ledger_append_only();
--> statement-breakpoint
CREATE TRIGGER fund_lines_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON fund_lines
  FOR EACH STATEMENT EXECUTE FUNCTION fund_ledger_append_only();
--> statement-breakpoint
-- Every transaction balances, per currency, when its database transaction commits.
CREATE OR REPLACE FUNCTION fund_lines_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad text;
BEGIN
  SELECT currency INTO bad FROM fund_lines WHERE transaction_id = NEW.transaction_id
    GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'fund transaction % does not balance in %', NEW.transaction_id, bad
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER fund_lines_balanced AFTER INSERT ON fund_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_lines_balanced();
--> statement-breakpoint
ALTER TABLE "fund_transactions" ADD CONSTRAINT "fund_transactions_reversal_fk" FOREIGN KEY ("reversal_of")
  REFERENCES "fund_transactions"("id") DEFERRABLE INITIALLY DEFERRED;
