CREATE TABLE "episode_processing" (
	"id" text PRIMARY KEY NOT NULL,
	"episode_id" text NOT NULL,
	"owner_id" text NOT NULL,
	"run_id" text,
	"status" text NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"step" text,
	"error" text,
	"source_file_id" text,
	"intro_file_id" text,
	"outro_file_id" text,
	"output_file_id" text,
	"options" jsonb NOT NULL,
	"stats" jsonb,
	"waveform" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "media_files" ALTER COLUMN "duration_seconds" SET DATA TYPE double precision;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "chapters" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "intro_file_id" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "outro_file_id" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "processing" jsonb;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_source_file_id_media_files_id_fk" FOREIGN KEY ("source_file_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_intro_file_id_media_files_id_fk" FOREIGN KEY ("intro_file_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_outro_file_id_media_files_id_fk" FOREIGN KEY ("outro_file_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_processing" ADD CONSTRAINT "episode_processing_output_file_id_media_files_id_fk" FOREIGN KEY ("output_file_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "episode_processing_episode_created_idx" ON "episode_processing" USING btree ("episode_id","created_at");--> statement-breakpoint
ALTER TABLE "podcasts" ADD CONSTRAINT "podcasts_intro_file_id_media_files_id_fk" FOREIGN KEY ("intro_file_id") REFERENCES "public"."media_files"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcasts" ADD CONSTRAINT "podcasts_outro_file_id_media_files_id_fk" FOREIGN KEY ("outro_file_id") REFERENCES "public"."media_files"("id") ON DELETE restrict ON UPDATE no action;