-- The self-hosted Inngest server's own database (deploy/compose.yaml: INNGEST_POSTGRES_URI), beside Clipstream's.
-- Run by the postgres image once, when its data directory is first made.
CREATE DATABASE inngest;
