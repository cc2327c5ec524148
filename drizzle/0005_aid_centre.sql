CREATE TABLE "aid_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"offer_id" uuid NOT NULL,
	"need_id" uuid NOT NULL,
	"quantity" bigint NOT NULL,
	"amount_minor" bigint,
	"currency" text,
	"shipped_qty" bigint DEFAULT 0 NOT NULL,
	"received_qty" bigint DEFAULT 0 NOT NULL,
	"lost_qty" bigint DEFAULT 0 NOT NULL,
	"grant_transaction_id" uuid,
	"payment_transaction_id" uuid,
	"payment_status" text,
	"payment_approval_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "aid_allocations_quantity_ck" CHECK (quantity > 0),
	CONSTRAINT "aid_allocations_amount_ck" CHECK (amount_minor IS NULL OR amount_minor > 0),
	CONSTRAINT "aid_allocations_shipped_ck" CHECK (shipped_qty >= 0 AND shipped_qty <= quantity),
	CONSTRAINT "aid_allocations_received_ck" CHECK (received_qty >= 0 AND received_qty + lost_qty <= quantity)
);
--> statement-breakpoint
CREATE TABLE "aid_capacity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"children_available" integer DEFAULT 0 NOT NULL,
	"children_used" integer DEFAULT 0 NOT NULL,
	"women_available" integer DEFAULT 0 NOT NULL,
	"women_used" integer DEFAULT 0 NOT NULL,
	"young_available" integer DEFAULT 0 NOT NULL,
	"young_used" integer DEFAULT 0 NOT NULL,
	"elderly_available" integer DEFAULT 0 NOT NULL,
	"elderly_used" integer DEFAULT 0 NOT NULL,
	"total_available" integer DEFAULT 0 NOT NULL,
	"total_used" integer DEFAULT 0 NOT NULL,
	"reported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "aid_capacity_nonnegative_ck" CHECK (LEAST(children_available, children_used, women_available, women_used, young_available, young_used, elderly_available, elderly_used, total_available, total_used) >= 0),
	CONSTRAINT "aid_capacity_groups_ck" CHECK (GREATEST(children_available, women_available, young_available, elderly_available) <= total_available
          AND GREATEST(children_used, women_used, young_used, elderly_used) <= total_used)
);
--> statement-breakpoint
CREATE TABLE "aid_corridors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"origin_name" text NOT NULL,
	"destination_name" text NOT NULL,
	"origin_org_id" uuid,
	"destination_org_id" uuid,
	"path" jsonb,
	"status" text NOT NULL,
	"note" text,
	"last_verified_at" timestamp with time zone,
	"last_verified_by" uuid,
	"last_verified_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aid_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"sent_qty" bigint NOT NULL,
	"received_qty" bigint NOT NULL,
	"flagged" boolean DEFAULT false NOT NULL,
	"note" text,
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution_note" text
);
--> statement-breakpoint
CREATE TABLE "aid_needs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_org_id" uuid NOT NULL,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"item_norm" text GENERATED ALWAYS AS (lower(f_unaccent(item))) STORED NOT NULL,
	"quantity" bigint NOT NULL,
	"unit" text NOT NULL,
	"priority" text NOT NULL,
	"needed_by" date,
	"description" text,
	"place_name" text,
	"lat" double precision,
	"lon" double precision,
	"allocated_qty" bigint DEFAULT 0 NOT NULL,
	"delivered_qty" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"posted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "aid_needs_quantity_ck" CHECK (quantity > 0),
	CONSTRAINT "aid_needs_allocated_ck" CHECK (allocated_qty >= 0 AND allocated_qty <= quantity),
	CONSTRAINT "aid_needs_delivered_ck" CHECK (delivered_qty >= 0 AND delivered_qty <= quantity),
	CONSTRAINT "aid_needs_lat_ck" CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
	CONSTRAINT "aid_needs_lon_ck" CHECK (lon IS NULL OR lon BETWEEN -180 AND 180)
);
--> statement-breakpoint
CREATE TABLE "aid_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"offerer_org_id" uuid,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"item_norm" text GENERATED ALWAYS AS (lower(f_unaccent(item))) STORED NOT NULL,
	"unit" text,
	"currency" text,
	"total" bigint NOT NULL,
	"allocated" bigint DEFAULT 0 NOT NULL,
	"remaining" bigint GENERATED ALWAYS AS (total - allocated) STORED NOT NULL,
	"available_from" date,
	"place_name" text,
	"lat" double precision,
	"lon" double precision,
	"note" text,
	"status" text DEFAULT 'open' NOT NULL,
	"posted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "aid_offers_total_ck" CHECK (total > 0),
	CONSTRAINT "aid_offers_allocated_ck" CHECK (allocated >= 0 AND allocated <= total),
	CONSTRAINT "aid_offers_kind_ck" CHECK ((kind = 'goods' AND unit IS NOT NULL AND currency IS NULL) OR (kind = 'money' AND currency ~ '^[A-Z]{3}$' AND unit IS NULL)),
	CONSTRAINT "aid_offers_source_ck" CHECK (source = 'fund' OR offerer_org_id IS NOT NULL),
	CONSTRAINT "aid_offers_lat_ck" CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
	CONSTRAINT "aid_offers_lon_ck" CHECK (lon IS NULL OR lon BETWEEN -180 AND 180)
);
--> statement-breakpoint
CREATE TABLE "aid_shipment_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"allocation_id" uuid NOT NULL,
	"quantity" bigint NOT NULL,
	"received_qty" bigint,
	CONSTRAINT "aid_shipment_items_quantity_ck" CHECK (quantity > 0),
	CONSTRAINT "aid_shipment_items_received_ck" CHECK (received_qty IS NULL OR received_qty >= 0)
);
--> statement-breakpoint
CREATE TABLE "aid_shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"corridor_id" uuid,
	"destination_org_id" uuid NOT NULL,
	"status" text DEFAULT 'preparing' NOT NULL,
	"reference" text,
	"note" text,
	"dispatched_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "aid_allocations" ADD CONSTRAINT "aid_allocations_offer_id_aid_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."aid_offers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_allocations" ADD CONSTRAINT "aid_allocations_need_id_aid_needs_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."aid_needs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_capacity" ADD CONSTRAINT "aid_capacity_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_corridors" ADD CONSTRAINT "aid_corridors_origin_org_id_organisations_id_fk" FOREIGN KEY ("origin_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_corridors" ADD CONSTRAINT "aid_corridors_destination_org_id_organisations_id_fk" FOREIGN KEY ("destination_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_deliveries" ADD CONSTRAINT "aid_deliveries_shipment_id_aid_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."aid_shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_needs" ADD CONSTRAINT "aid_needs_community_org_id_organisations_id_fk" FOREIGN KEY ("community_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_offers" ADD CONSTRAINT "aid_offers_offerer_org_id_organisations_id_fk" FOREIGN KEY ("offerer_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_shipment_items" ADD CONSTRAINT "aid_shipment_items_shipment_id_aid_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."aid_shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_shipment_items" ADD CONSTRAINT "aid_shipment_items_allocation_id_aid_allocations_id_fk" FOREIGN KEY ("allocation_id") REFERENCES "public"."aid_allocations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_shipments" ADD CONSTRAINT "aid_shipments_corridor_id_aid_corridors_id_fk" FOREIGN KEY ("corridor_id") REFERENCES "public"."aid_corridors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_shipments" ADD CONSTRAINT "aid_shipments_destination_org_id_organisations_id_fk" FOREIGN KEY ("destination_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aid_allocations_need_idx" ON "aid_allocations" USING btree ("need_id");--> statement-breakpoint
CREATE INDEX "aid_allocations_offer_idx" ON "aid_allocations" USING btree ("offer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "aid_capacity_org_date_uq" ON "aid_capacity" USING btree ("org_id","as_of");--> statement-breakpoint
CREATE INDEX "aid_capacity_date_idx" ON "aid_capacity" USING btree ("as_of");--> statement-breakpoint
CREATE UNIQUE INDEX "aid_corridors_name_uq" ON "aid_corridors" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "aid_deliveries_shipment_uq" ON "aid_deliveries" USING btree ("shipment_id");--> statement-breakpoint
CREATE INDEX "aid_deliveries_flagged_idx" ON "aid_deliveries" USING btree ("confirmed_at") WHERE flagged AND resolved_at IS NULL;--> statement-breakpoint
CREATE INDEX "aid_deliveries_confirmed_idx" ON "aid_deliveries" USING btree ("confirmed_at","id");--> statement-breakpoint
CREATE INDEX "aid_needs_status_idx" ON "aid_needs" USING btree ("status","priority","needed_by");--> statement-breakpoint
CREATE INDEX "aid_needs_community_idx" ON "aid_needs" USING btree ("community_org_id","created_at");--> statement-breakpoint
CREATE INDEX "aid_needs_created_idx" ON "aid_needs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "aid_offers_open_category_idx" ON "aid_offers" USING btree ("category","available_from") WHERE status = 'open' AND total > allocated;--> statement-breakpoint
CREATE INDEX "aid_offers_open_item_idx" ON "aid_offers" USING btree ("item_norm") WHERE status = 'open' AND total > allocated;--> statement-breakpoint
CREATE INDEX "aid_offers_open_item_trgm_idx" ON "aid_offers" USING gin ("item_norm" gin_trgm_ops) WHERE status = 'open' AND total > allocated;--> statement-breakpoint
CREATE INDEX "aid_offers_open_place_idx" ON "aid_offers" USING gist (point("lon", "lat")) WHERE status = 'open' AND total > allocated AND lat IS NOT NULL AND lon IS NOT NULL;--> statement-breakpoint
CREATE INDEX "aid_offers_offerer_idx" ON "aid_offers" USING btree ("offerer_org_id","created_at");--> statement-breakpoint
CREATE INDEX "aid_offers_created_idx" ON "aid_offers" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "aid_shipment_items_uq" ON "aid_shipment_items" USING btree ("shipment_id","allocation_id");--> statement-breakpoint
CREATE INDEX "aid_shipment_items_allocation_idx" ON "aid_shipment_items" USING btree ("allocation_id");--> statement-breakpoint
CREATE INDEX "aid_shipments_status_idx" ON "aid_shipments" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "aid_shipments_destination_idx" ON "aid_shipments" USING btree ("destination_org_id");