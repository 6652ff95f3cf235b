// Reads the commands out of README.md: every line of its ```sh blocks (continuations joined, comment-only
// lines dropped), with the trailing marker that says a line cannot run here (`# needs a GPU`,
// `# needs the internet`), and the commands mentioned inline in the prose.

export interface ReadmeCommand {
  /** The command without its trailing marker comment. */
  command: string;
  /** 1-based line in README.md. */
  line: number;
  /** 'needs a GPU', 'needs the internet', 'needs a GPU and the internet' (plus any detail), when marked. */
  marker?: string;
}

/** A trailing comment that marks a line as not runnable here; anything after the marker is detail. */
export const MARKER = /\s+#\s*(needs (?:a GPU and the internet|a GPU|the internet)\b.*)$/;

export function shellCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let inShell = false;
  let inOther = false;
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const fence = /^```(\S*)\s*$/.exec(raw.trim());
    if (fence && !inShell && !inOther) {
      inShell = ['sh', 'bash', 'shell'].includes(fence[1]!);
      inOther = !inShell;
      return;
    }
    if (fence && raw.trim() === '```') {
      inShell = inOther = false;
      return;
    }
    if (!inShell) return;
    const text = raw.trim();
    if (!pending && (text === '' || text.startsWith('#'))) return;
    const joined = pending ? `${pending.text} ${text}` : text;
    const start = pending?.line ?? index + 1;
    if (joined.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trim(), line: start };
      return;
    }
    pending = undefined;
    const marked = MARKER.exec(joined);
    commands.push(marked ? { command: joined.slice(0, marked.index).trim(), line: start, marker: marked[1] } : { command: joined, line: start });
  });
  return commands;
}

/** Inline `code` spans outside fenced blocks that name a command: npm …, npx …, onnx-edge …, curl …. */
export function inlineCommands(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim()).filter((code) => /^(npm|npx|onnx-edge|curl) /.test(code));
}

/** Leading NAME=value words of a command line, and the rest. */
export function splitEnvPrefix(command: string): { env: Record<string, string>; rest: string } {
  const env: Record<string, string> = {};
  let rest = command;
  for (let m = /^([A-Z_][A-Z0-9_]*)=(\S+)\s+/.exec(rest); m; m = /^([A-Z_][A-Z0-9_]*)=(\S+)\s+/.exec(rest)) {
    env[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return { env, rest };
}
