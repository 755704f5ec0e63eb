import type { z } from "zod";

/** The outcome of parsing untrusted input: a value, or one message naming every bad field. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** "task: Too small…; requester.userId: Required" — each issue prefixed with its field path. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

export function parseContract<S extends z.ZodType>(
  schema: S,
  input: unknown,
  label: string,
): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: `invalid ${label}: ${formatIssues(parsed.error)}` };
}

/** For trusted boundaries (our own queue payloads): a violation is a bug, so it throws. */
export class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  label: string,
): z.output<S> {
  const result = parseContract(schema, input, label);
  if (!result.ok) throw new ContractViolation(result.message);
  return result.value;
}
