CREATE TABLE `direct_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`storage_key` text NOT NULL,
	`multipart_id` text NOT NULL,
	`original_filename` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`part_size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `direct_uploads_storage_key_unique` ON `direct_uploads` (`storage_key`);--> statement-breakpoint
CREATE INDEX `direct_uploads_owner_idx` ON `direct_uploads` (`owner_id`);--> statement-breakpoint
CREATE INDEX `direct_uploads_expires_idx` ON `direct_uploads` (`expires_at`);