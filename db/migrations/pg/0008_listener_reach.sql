ALTER TABLE "episodes" ADD COLUMN "persons" jsonb;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "soundbites" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "enclosure_prefix" text;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "funding" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "persons" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "podroll" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "txt" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "location" jsonb;--> statement-breakpoint
ALTER TABLE "podcasts" ADD COLUMN "listen_links" jsonb;