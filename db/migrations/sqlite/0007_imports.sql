CREATE TABLE `import_items` (
	`id` text PRIMARY KEY NOT NULL,
	`import_id` text NOT NULL,
	`position` integer NOT NULL,
	`guid` text NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`queued_by` text,
	`error` text,
	`episode_id` text,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_items_import_guid_uq` ON `import_items` (`import_id`,`guid`);--> statement-breakpoint
CREATE INDEX `import_items_import_position_idx` ON `import_items` (`import_id`,`position`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`feed_url` text NOT NULL,
	`podcast_id` text,
	`status` text NOT NULL,
	`error` text,
	`notes` text NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `imports_owner_created_idx` ON `imports` (`owner_id`,`created_at`);--> statement-breakpoint
DROP INDEX `episodes_guid_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `episodes_podcast_guid_uq` ON `episodes` (`podcast_id`,`guid`);--> statement-breakpoint
ALTER TABLE `podcasts` ADD `moved_to_feed_url` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `imported_from_url` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `source_podcast_guid` text;