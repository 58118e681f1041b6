CREATE TABLE `podcast_activity` (
	`id` text PRIMARY KEY NOT NULL,
	`podcast_id` text NOT NULL,
	`actor_id` text,
	`actor_name` text NOT NULL,
	`action` text NOT NULL,
	`target_title` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `podcast_activity_podcast_created_idx` ON `podcast_activity` (`podcast_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `podcast_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`podcast_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `podcast_invitations_token_hash_unique` ON `podcast_invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `podcast_invitations_podcast_idx` ON `podcast_invitations` (`podcast_id`);--> statement-breakpoint
CREATE TABLE `podcast_members` (
	`id` text PRIMARY KEY NOT NULL,
	`podcast_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`podcast_id`) REFERENCES `podcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `podcast_members_podcast_user_uq` ON `podcast_members` (`podcast_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `podcast_members_user_idx` ON `podcast_members` (`user_id`);--> statement-breakpoint
-- Every existing podcast's owner becomes its member with role "owner" (a random UUID-shaped id).
INSERT INTO `podcast_members` (`id`, `podcast_id`, `user_id`, `role`, `created_at`)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
  `id`, `owner_id`, 'owner', `created_at` FROM `podcasts`;
