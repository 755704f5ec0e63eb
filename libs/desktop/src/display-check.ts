import { createConnection } from "node:net";
import { AppError } from "@deskgate/core";

/**
 * nut-js segfaults the whole process on its first screen or mouse call when no X display
 * answers, so the adapter asks the X server's socket first and fails with a message.
 * ":1" → /tmp/.X11-unix/X1; "host:1" → TCP host:6001.
 */
export async function assertDisplayReachable(
  display: string | undefined,
  timeoutMs = 2_000,
): Promise<void> {
  const match = display ? /^([\w.-]*):(\d+)(?:\.\d+)?$/.exec(display) : null;
  if (!display || !match) {
    throw new AppError(
      "display_unreachable",
      `DISPLAY is ${display ? `"${display}", not a display name` : "not set"}; set it to the X display to drive, e.g. :99`,
    );
  }
  const [, host, number] = match;
  const options = host
    ? { host, port: 6000 + Number(number) }
    : { path: `/tmp/.X11-unix/X${number}` };
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection(options);
    const timer = setTimeout(() => fail(new Error("timed out")), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new AppError(
          "display_unreachable",
          `no X server answers on DISPLAY=${display} (${err.message}); start Xvfb (infra/desktop/start-desktop.sh) or set DISPLAY`,
        ),
      );
    };
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", fail);
  });
}
