CREATE TABLE `podcast_subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`podcast_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_sealed` text NOT NULL,
	`downloads` integer DEFAULT 0 NOT NULL,
	`last_seen_at` integer,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `podcast_subscribers_token_hash_unique` ON `podcast_subscribers` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `podcast_subscribers_podcast_email_uq` ON `podcast_subscribers` (`podcast_id`,`email`);--> statement-breakpoint
ALTER TABLE `episodes` ADD `access` text DEFAULT 'public' NOT NULL;