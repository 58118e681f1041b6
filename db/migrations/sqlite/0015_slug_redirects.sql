CREATE TABLE `podcast_slug_redirects` (
	`slug` text PRIMARY KEY NOT NULL,
	`podcast_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `podcast_slug_redirects_podcast_idx` ON `podcast_slug_redirects` (`podcast_id`);