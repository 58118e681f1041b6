ALTER TABLE `episodes` ADD `cover_file_id` text REFERENCES media_files(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `episodes` ADD `transcript` text;--> statement-breakpoint
ALTER TABLE `episodes` ADD `transcript_format` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `is_private` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `locked` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `new_feed_url` text;