import { execFileSync } from "node:child_process";
import { freePort } from "@deskgate/redis/testing";
import { type AppProcess, waitFor } from "@deskgate/test-support/app-process";
import { freeDisplayNumber } from "@deskgate/test-support/xvfb-display";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { desktopScriptProcess } from "../../e2e/app-processes.ts";

let desktop: AppProcess | undefined;
afterEach(async () => {
  await desktop?.stop();
  desktop = undefined;
});

/** The first bytes a VNC server sends through noVNC's WebSocket proxy, and what follows. */
async function rfbHandshake(url: string): Promise<{ version: string; securityTypes: number[] }> {
  const socket = new WebSocket(url, ["binary"]);
  const received: Buffer[] = [];
  try {
    return await new Promise((resolvePromise, reject) => {
      socket.on("error", reject);
      socket.on("message", (data: Buffer) => {
        received.push(Buffer.from(data));
        const bytes = Buffer.concat(received);
        if (received.length === 1 && bytes.length >= 12) {
          // Answer with the same protocol version; the server then lists its security types.
          socket.send(bytes.subarray(0, 12));
          return;
        }
        if (bytes.length >= 13) {
          const count = bytes[12]!;
          if (bytes.length >= 13 + count)
            resolvePromise({
              version: bytes.subarray(0, 12).toString("latin1").trim(),
              securityTypes: [...bytes.subarray(13, 13 + count)],
            });
        }
      });
    });
  } finally {
    socket.terminate();
  }
}

describe("infra/desktop/start-desktop.sh", () => {
  it("serves a password-protected noVNC live view of the desktop, and stops it all on SIGTERM", async () => {
    const [novncPort, vncPort] = [await freePort(), await freePort()];
    const display = `:${freeDisplayNumber()}`;
    desktop = desktopScriptProcess({
      DISPLAY: display,
      SCREEN_SIZE: "1024x768",
      VNC_PASSWORD: "watch-only-secret",
      VNC_PORT: String(vncPort),
      NOVNC_PORT: String(novncPort),
      WORKER_COMMAND: "sleep 600",
    }).start();
    await desktop.waitForLine(/noVNC live view on port/, 30_000);
    expect(desktop.output()).toContain("started openbox (Ctrl+Alt+T opens a terminal)");

    // The viewer page, as a teammate's browser gets it.
    const page = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${novncPort}/vnc.html`).catch(
          () => undefined,
        );
        return response?.ok ? response.text() : undefined;
      },
      { timeoutMs: 30_000, what: "noVNC's page" },
    );
    expect(page).toMatch(/noVNC/);

    // Through the WebSocket proxy to the VNC server: it demands the password (type 2, VNC
    // authentication) and offers no unauthenticated access (type 1).
    const handshake = await waitFor(
      () => rfbHandshake(`ws://127.0.0.1:${novncPort}/websockify`).catch(() => undefined),
      { timeoutMs: 30_000, what: "the VNC handshake through noVNC" },
    );
    expect(handshake.version).toMatch(/^RFB 003\.00[378]$/);
    expect(handshake.securityTypes).toContain(2);
    expect(handshake.securityTypes).not.toContain(1);

    await desktop.stop();
    desktop = undefined;
    const left = await waitFor(
      () => {
        const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n");
        const still = processes.filter(
          (args) =>
            (args.startsWith("x11vnc") && args.includes(`-rfbport ${vncPort}`)) ||
            (args.includes("websockify") && args.includes(String(novncPort))) ||
            args.startsWith(`Xvfb ${display} `),
        );
        return still.length === 0 ? still : undefined;
      },
      { timeoutMs: 5_000, what: "the desktop's processes to exit" },
    );
    expect(left).toEqual([]);
  }, 120_000);

  it("refuses .env.example's placeholder VNC password before starting anything", async () => {
    desktop = desktopScriptProcess({
      DISPLAY: `:${freeDisplayNumber()}`,
      VNC_PASSWORD: "change-me",
      WORKER_COMMAND: "sleep 600",
    }).start();
    await desktop.waitForLine(/VNC_PASSWORD: still the placeholder from \.env\.example/);
    await waitFor(() => desktop?.exited, { what: "the script to exit" });
    expect(desktop.exited?.code).toBe(2);
    expect(desktop.output()).not.toContain("started Xvfb");
  });
});
