/**
 * A worker stand-in for the "killed during hold_key" test: opens the display named by
 * DISPLAY, says "holding" and holds Ctrl for 30 s. The test SIGKILLs it meanwhile.
 */
import { createLogger } from "@deskgate/core";
import { createNutComputer } from "../nut-computer.ts";

const computer = await createNutComputer({
  display: process.env.DISPLAY ?? "",
  logger: createLogger({ level: "silent" }),
});
process.stdout.write("holding\n");
await computer.execute({ action: "hold_key", text: "ctrl", duration: 30 });
