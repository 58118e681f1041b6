ALTER TABLE `episode_processing` ADD `opus_file_id` text REFERENCES media_files(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `episodes` ADD `opus_file_id` text REFERENCES media_files(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `opus_rendition` integer DEFAULT true NOT NULL;
