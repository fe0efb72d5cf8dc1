/** Where the CLI writes; tests pass collectors, `main` passes the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes of the `mesh-policy` contract. */
export const EXIT_OK = 0;
/** `diff`: access widened; `lint`: some object would be rejected. */
export const EXIT_FINDINGS = 1;
/** Bad input: unknown workload, unreadable file, malformed manifest, bad option. */
export const EXIT_BAD_INPUT = 2;
/** A bug in mesh-policy, reported without a stack trace. */
export const EXIT_INTERNAL = 3;
