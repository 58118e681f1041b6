CREATE TABLE `analytics_salts` (
	`id` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`salt` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analytics_salts_day_unique` ON `analytics_salts` (`day`);--> statement-breakpoint
CREATE TABLE `download_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`episode_id` text NOT NULL,
	`podcast_id` text NOT NULL,
	`listener_hash` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`requests` integer NOT NULL,
	`total_bytes` integer NOT NULL,
	`threshold_bytes` integer NOT NULL,
	`covered_bytes` integer NOT NULL,
	`ranges` text NOT NULL,
	`app` text NOT NULL,
	`device` text NOT NULL,
	`counted_at` integer,
	`counted_day` text,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `download_sessions_listener_idx` ON `download_sessions` (`episode_id`,`listener_hash`,`started_at`);--> statement-breakpoint
CREATE INDEX `download_sessions_podcast_day_idx` ON `download_sessions` (`podcast_id`,`counted_day`);--> statement-breakpoint
CREATE INDEX `download_sessions_episode_day_idx` ON `download_sessions` (`episode_id`,`counted_day`);