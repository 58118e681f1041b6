ALTER TABLE "episodes" ADD COLUMN "cover_file_id" text;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "transcript" text;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "transcript_format" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "is_private" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "locked" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "new_feed_url" text;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_cover_file_id_media_files_id_fk" FOREIGN KEY ("cover_file_id") REFERENCES "public"."media_files"("id") ON DELETE restrict ON UPDATE no action;