import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = join(import.meta.dirname, "install-system-packages.sh");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A PATH holding only bash, env and stand-ins for `id`, `apt-get`, `ldconfig` and (when
 * asked) `sudo`, each logging how it was called: a machine with none of the packages.
 */
function bareMachine(options: { uid: number; sudo: boolean }) {
  const bin = mkdtempSync(join(tmpdir(), "deskgate-install-"));
  dirs.push(bin);
  const log = join(bin, "calls.log");
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  symlinkSync("/bin/bash", join(bin, "bash"));
  symlinkSync("/usr/bin/env", join(bin, "env"));
  shim("id", `echo ${options.uid}`);
  shim("ldconfig", "exit 0");
  shim("apt-get", `echo "apt-get $*" >> '${log}'`);
  if (options.sudo) shim("sudo", `echo "sudo" >> '${log}'; exec "$@"`);
  return { path: bin, calls: () => readFileSync(log, "utf8").trim().split("\n") };
}

async function install(path: string) {
  return run("/bin/bash", [script], { env: { PATH: path } }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

describe("install-system-packages.sh", () => {
  it("as root with no sudo on the machine, runs apt-get itself", async () => {
    const machine = bareMachine({ uid: 0, sudo: false });
    const result = await install(machine.path);
    expect(result.code).toBe(0);
    const calls = machine.calls();
    expect(calls[0]).toBe("apt-get update -qq");
    expect(calls[1]).toMatch(/^apt-get install -y -qq --no-install-recommends .*redis-server/);
    for (const name of ["xvfb", "xdotool", "xterm", "vim", "openbox", "chromium", "libxtst6"])
      expect(calls[1]).toContain(` ${name}`);
  });

  it("as a user with sudo, runs apt-get through sudo", async () => {
    const machine = bareMachine({ uid: 1000, sudo: true });
    const result = await install(machine.path);
    expect(result.code).toBe(0);
    expect(machine.calls()).toEqual([
      "sudo",
      "apt-get update -qq",
      "sudo",
      expect.stringMatching(/^apt-get install .*redis-server/),
    ]);
  });

  it("as a user without sudo, says to run it as root", async () => {
    const machine = bareMachine({ uid: 1000, sudo: false });
    const result = await install(machine.path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not root and no sudo: run this script as root");
  });

  it("on a machine that has everything, installs nothing, every time", async () => {
    // The checks once piped into `grep -q` under pipefail and failed at random.
    const outputs = await Promise.all(
      Array.from({ length: 8 }, () => install(process.env.PATH ?? "")),
    );
    for (const output of outputs) expect(output.stdout.trim()).toBe("system packages: all present");
  });
});
