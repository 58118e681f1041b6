CREATE TABLE "analytics_salts" (
	"id" text PRIMARY KEY NOT NULL,
	"day" text NOT NULL,
	"salt" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_salts_day_unique" UNIQUE("day")
);
--> statement-breakpoint
CREATE TABLE "download_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"episode_id" text NOT NULL,
	"podcast_id" text NOT NULL,
	"listener_hash" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	"total_bytes" bigint NOT NULL,
	"threshold_bytes" bigint NOT NULL,
	"covered_bytes" bigint NOT NULL,
	"ranges" jsonb NOT NULL,
	"app" text NOT NULL,
	"device" text NOT NULL,
	"counted_at" timestamp with time zone,
	"counted_day" text
);
--> statement-breakpoint
ALTER TABLE "download_sessions" ADD CONSTRAINT "download_sessions_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_sessions" ADD CONSTRAINT "download_sessions_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "download_sessions_listener_idx" ON "download_sessions" USING btree ("episode_id","listener_hash","started_at");--> statement-breakpoint
CREATE INDEX "download_sessions_podcast_day_idx" ON "download_sessions" USING btree ("podcast_id","counted_day");--> statement-breakpoint
CREATE INDEX "download_sessions_episode_day_idx" ON "download_sessions" USING btree ("episode_id","counted_day");