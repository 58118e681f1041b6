ALTER TABLE "episode_processing" ADD COLUMN "opus_file_id" text;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "opus_file_id" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "opus_rendition" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_opus_file_id_media_files_id_fk" FOREIGN KEY ("opus_file_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_opus_file_id_media_files_id_fk" FOREIGN KEY ("opus_file_id") REFERENCES "public"."media_files"("id") ON DELETE restrict ON UPDATE no action;