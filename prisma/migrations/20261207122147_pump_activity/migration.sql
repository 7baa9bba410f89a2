-- CreateTable
CREATE TABLE "PumpActivity" (
    "sessionId" TEXT NOT NULL,
    "second" INTEGER NOT NULL,
    "trades" INTEGER NOT NULL DEFAULT 0,
    "buys" INTEGER NOT NULL DEFAULT 0,
    "netBuySol" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "marketCap" DOUBLE PRECISION,
    "chat" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PumpActivity_pkey" PRIMARY KEY ("sessionId","second")
);

-- AddForeignKey
ALTER TABLE "PumpActivity" ADD CONSTRAINT "PumpActivity_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
