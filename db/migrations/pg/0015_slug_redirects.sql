CREATE TABLE "podcast_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"podcast_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "podcast_slug_redirects" ADD CONSTRAINT "podcast_slug_redirects_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "podcast_slug_redirects_podcast_idx" ON "podcast_slug_redirects" USING btree ("podcast_id");