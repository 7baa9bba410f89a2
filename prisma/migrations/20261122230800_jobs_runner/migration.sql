-- CreateEnum
CREATE TYPE "JobRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SLEEPING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "job_app" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "sdk" TEXT,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_app_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_function" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "triggers" JSONB NOT NULL,
    "retries" INTEGER NOT NULL,
    "concurrency" JSONB NOT NULL DEFAULT '[]',
    "config" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_function_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_cron" (
    "functionId" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_cron_pkey" PRIMARY KEY ("functionId","cron")
);

-- CreateTable
CREATE TABLE "job_event" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "externalId" TEXT,
    "ts" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_event_key" (
    "key" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_event_key_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "job_run" (
    "id" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "status" "JobRunStatus" NOT NULL DEFAULT 'QUEUED',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "steps" JSONB NOT NULL DEFAULT '{}',
    "stack" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "pending" JSONB NOT NULL DEFAULT '{}',
    "needsDiscovery" BOOLEAN NOT NULL DEFAULT true,
    "concurrency" JSONB NOT NULL DEFAULT '[]',
    "connFailures" INTEGER NOT NULL DEFAULT 0,
    "output" JSONB,
    "error" JSONB,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "job_function_appId_idx" ON "job_function"("appId");

-- CreateIndex
CREATE INDEX "job_cron_nextAt_idx" ON "job_cron"("nextAt");

-- CreateIndex
CREATE INDEX "job_event_name_receivedAt_idx" ON "job_event"("name", "receivedAt");

-- CreateIndex
CREATE INDEX "job_event_externalId_idx" ON "job_event"("externalId");

-- CreateIndex
CREATE INDEX "job_event_key_expiresAt_idx" ON "job_event_key"("expiresAt");

-- CreateIndex
CREATE INDEX "job_run_status_nextAt_idx" ON "job_run"("status", "nextAt");

-- CreateIndex
CREATE INDEX "job_run_functionId_createdAt_idx" ON "job_run"("functionId", "createdAt");

-- CreateIndex
CREATE INDEX "job_run_eventId_idx" ON "job_run"("eventId");

-- CreateIndex
CREATE INDEX "job_run_leaseUntil_idx" ON "job_run"("leaseUntil");

-- AddForeignKey
ALTER TABLE "job_function" ADD CONSTRAINT "job_function_appId_fkey" FOREIGN KEY ("appId") REFERENCES "job_app"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_cron" ADD CONSTRAINT "job_cron_functionId_fkey" FOREIGN KEY ("functionId") REFERENCES "job_function"("id") ON DELETE CASCADE ON UPDATE CASCADE;
