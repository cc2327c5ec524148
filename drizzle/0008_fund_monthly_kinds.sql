CREATE TABLE "fund_monthly_kinds" (
	"currency" text NOT NULL,
	"month" date NOT NULL,
	"account_kind" text NOT NULL,
	"with_org" boolean NOT NULL,
	"net" bigint DEFAULT 0 NOT NULL,
	"line_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "fund_monthly_kinds_currency_month_account_kind_with_org_pk" PRIMARY KEY("currency","month","account_kind","with_org")
);
