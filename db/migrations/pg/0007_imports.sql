CREATE TABLE "import_items" (
	"id" text PRIMARY KEY NOT NULL,
	"import_id" text NOT NULL,
	"position" integer NOT NULL,
	"guid" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"queued_by" text,
	"error" text,
	"episode_id" text,
	"source" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"feed_url" text NOT NULL,
	"podcast_id" text,
	"status" text NOT NULL,
	"error" text,
	"notes" jsonb NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "episodes" DROP CONSTRAINT "episodes_guid_unique";--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "moved_to_feed_url" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "imported_from_url" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "source_podcast_guid" text;--> statement-breakpoint
ALTER TABLE "import_items" ADD CONSTRAINT "import_items_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_items" ADD CONSTRAINT "import_items_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "import_items_import_guid_uq" ON "import_items" USING btree ("import_id","guid");--> statement-breakpoint
CREATE INDEX "import_items_import_position_idx" ON "import_items" USING btree ("import_id","position");--> statement-breakpoint
CREATE INDEX "imports_owner_created_idx" ON "imports" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "episodes_podcast_guid_uq" ON "episodes" USING btree ("podcast_id","guid");