import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const repo = resolve(import.meta.dirname, "../..");
const botSource = join(repo, "apps/bot/src");

/**
 * The bot-token scopes each Web API method needs, from Slack's method and scope reference
 * (https://docs.slack.dev/reference/methods/<method>, "Scopes → Bot token"; the chat:write
 * scope page lists chat.postMessage, chat.postEphemeral and chat.update). An empty list:
 * the method needs no scope.
 */
const scopesOf: Record<string, readonly string[]> = {
  "auth.test": [],
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.getPermalink": [],
  "conversations.open": ["im:write"],
  "views.open": [],
  "views.update": [],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
  "usergroups.users.list": ["usergroups:read"],
  "users.info": ["users:read"],
};

/** WebClient helpers that are not Web API methods themselves, and the methods they call. */
const helpers: Record<string, readonly string[]> = {
  // @slack/web-api's WebClient.uploadV2: getUploadURLExternal, the upload, completeUploadExternal.
  "files.uploadV2": ["files.getUploadURLExternal", "files.completeUploadExternal"],
  // EventEmitter.on (the client's rate_limited event): no Web API call.
  on: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Every `<WebClient>.<group>.<method>(…)` call in the bot's code, found by the type checker
 * (the receiver's type is @slack/web-api's WebClient), so an alias or a context object
 * holding the client is found too.
 */
function webApiMethodsCalled(): Set<string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repo, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const program = ts.createProgram(sourceFiles(botSource), config.options);
  const checker = program.getTypeChecker();
  const methods = new Set<string>();
  const isWebClient = (node: ts.Expression) =>
    checker.getTypeAtLocation(node).getSymbol()?.getName() === "WebClient";
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const names: string[] = [];
      let receiver: ts.Expression = node.expression;
      while (ts.isPropertyAccessExpression(receiver)) {
        names.unshift(receiver.name.text);
        receiver = receiver.expression;
        if (isWebClient(receiver)) {
          const method = names.join(".");
          for (const called of helpers[method] ?? [method]) methods.add(called);
          break;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) if (file.fileName.startsWith(botSource)) visit(file);
  return methods;
}

describe("infra/slack/manifest.yml", () => {
  it("grants exactly the bot scopes the bot's Web API calls and its slash command need", () => {
    const methods = webApiMethodsCalled();
    // The derivation itself works: the calls every run makes are found.
    expect([...methods]).toEqual(
      expect.arrayContaining(["chat.postMessage", "chat.update", "views.open"]),
    );
    const unknown = [...methods].filter((method) => !(method in scopesOf));
    expect(unknown, "add these methods' scopes from Slack's docs to scopesOf").toEqual([]);

    const manifest = parse(readFileSync(join(repo, "infra/slack/manifest.yml"), "utf8")) as {
      features: { slash_commands?: unknown[] };
      oauth_config: { scopes: { bot: string[] } };
    };
    const needed = new Set([...methods].flatMap((method) => scopesOf[method] ?? []));
    // A slash command needs the `commands` scope (https://docs.slack.dev/reference/scopes/commands).
    if ((manifest.features.slash_commands ?? []).length > 0) needed.add("commands");
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  }, 60_000);
});
