ALTER TABLE `episodes` ADD `persons` text;--> statement-breakpoint
ALTER TABLE `episodes` ADD `soundbites` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `enclosure_prefix` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `funding` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `persons` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `podroll` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `txt` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `location` text;--> statement-breakpoint
ALTER TABLE `podcasts` ADD `listen_links` text;