-- CreateTable
CREATE TABLE "LiveKitEgress" (
    "egressId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "filepath" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "final" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "error" TEXT,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "LiveKitEgress_pkey" PRIMARY KEY ("egressId")
);

-- CreateIndex
CREATE UNIQUE INDEX "LiveKitEgress_sessionId_number_key" ON "LiveKitEgress"("sessionId", "number");

-- AddForeignKey
ALTER TABLE "LiveKitEgress" ADD CONSTRAINT "LiveKitEgress_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
