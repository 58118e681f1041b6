CREATE TABLE `episode_processing` (
	`id` text PRIMARY KEY NOT NULL,
	`episode_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`run_id` text,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`step` text,
	`error` text,
	`source_file_id` text,
	`intro_file_id` text,
	`outro_file_id` text,
	`output_file_id` text,
	`options` text NOT NULL,
	`stats` text,
	`waveform` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`source_file_id`) REFERENCES `media_files`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`intro_file_id`) REFERENCES `media_files`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`outro_file_id`) REFERENCES `media_files`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`output_file_id`) REFERENCES `media_files`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `episode_processing_episode_created_idx` ON `episode_processing` (`episode_id`,`created_at`);--> statement-breakpoint
-- media_files.duration_seconds becomes REAL in the schema. The column keeps its INTEGER
-- declaration here: SQLite stores fractional values in it exactly (type affinity keeps a REAL
-- that is not a whole number), and rebuilding a table other tables point at would fail on a
-- database with data, since PRAGMA foreign_keys cannot be switched off inside the migration's
-- transaction.
ALTER TABLE `episodes` ADD `chapters` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `intro_file_id` text REFERENCES media_files(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `outro_file_id` text REFERENCES media_files(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `processing` text;