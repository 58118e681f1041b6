CREATE TABLE `job_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`step_hashed_id` text,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_attempts_run_idx` ON `job_attempts` (`run_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `job_events` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`user_id` text,
	`dedupe_key` text,
	`ts` integer NOT NULL,
	`routed_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_events_dedupe_key_unique` ON `job_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `job_events_routed_idx` ON `job_events` (`routed_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `job_queue` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`kind` text NOT NULL,
	`step_id` text,
	`attempt` integer NOT NULL,
	`run_at` integer NOT NULL,
	`lease_until` integer,
	`lease_token` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_queue_run_kind_step_uq` ON `job_queue` (`run_id`,`kind`,`step_id`);--> statement-breakpoint
CREATE INDEX `job_queue_due_idx` ON `job_queue` (`run_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`function_id` text NOT NULL,
	`event_id` text NOT NULL,
	`user_id` text,
	`status` text NOT NULL,
	`output` text,
	`error` text,
	`disable_immediate` integer NOT NULL,
	`step_count` integer NOT NULL,
	`parent_run_id` text,
	`parent_step_id` text,
	`concurrency_key1` text,
	`concurrency_limit1` integer,
	`concurrency_key2` text,
	`concurrency_limit2` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `job_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_runs_user_created_idx` ON `job_runs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_function_status_idx` ON `job_runs` (`function_id`,`status`);--> statement-breakpoint
CREATE TABLE `job_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`hashed_id` text NOT NULL,
	`name` text NOT NULL,
	`op` text NOT NULL,
	`status` text NOT NULL,
	`seq` integer,
	`result` text,
	`attempts` integer NOT NULL,
	`wake_at` integer,
	`child_run_id` text,
	`started_at` integer,
	`ended_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_steps_run_hashed_uq` ON `job_steps` (`run_id`,`hashed_id`);