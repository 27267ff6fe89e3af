DROP INDEX "messages_unprocessed_received";--> statement-breakpoint
DROP INDEX "outbox_sending_claimed";--> statement-breakpoint
DROP INDEX "outbox_pending_created";