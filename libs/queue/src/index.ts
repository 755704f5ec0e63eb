export type { Queue, Worker } from "bullmq";
export * from "./typed-queue.ts";
