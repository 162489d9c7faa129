// The public error code inside a forgeError (an RpcException carrying a JSON body).
export function forgeCode(err: unknown): string | undefined {
  const e = err as { getError?: () => unknown };
  const inner = e?.getError?.() as { message?: string } | undefined;
  try {
    return (JSON.parse(inner?.message ?? '') as { error?: string }).error;
  } catch {
    return undefined;
  }
}

/** Asserts that `work` fails with the forge error `code`. */
export async function rejectsWith(work: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (forgeCode(err) === code) return;
    throw new Error(`expected forge error ${code}, got ${forgeCode(err) ?? String(err)}`, { cause: err });
  }
  throw new Error(`expected forge error ${code}, but it succeeded`);
}
