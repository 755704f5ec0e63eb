import { connectRedis } from "@deskgate/redis";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { expect, it } from "vitest";
import { z } from "zod";
import { parseLuaJson } from "./lua-json.ts";

const schema = z.object({
  request: z.object({ backup: z.array(z.string()), windows: z.array(z.number()).optional() }),
  approvals: z.array(z.string()),
  settings: z.record(z.string(), z.string()),
});

it("reads back the empty arrays Redis's cjson turned into objects, and nothing else", async () => {
  const redis = await startPrivateRedis({ appendOnly: false });
  const client = connectRedis(redis.url);
  try {
    const written = { request: { backup: [], windows: [] }, approvals: [], settings: {} };
    const roundTripped = String(
      await client.eval("return cjson.encode(cjson.decode(ARGV[1]))", 0, JSON.stringify(written)),
    );
    // What Redis really does: every empty array comes back as an object.
    expect(roundTripped).not.toContain("[]");
    const parsed = parseLuaJson(schema, roundTripped);
    expect(parsed.success && parsed.data).toEqual(written);
    // A real mistake is still one.
    expect(parseLuaJson(schema, JSON.stringify({ ...written, approvals: { a: 1 } })).success).toBe(
      false,
    );
  } finally {
    client.disconnect();
    await redis.dispose();
  }
});
